import { AuthError, type AuthResponse, parseChallenges } from '@authbelt/core';
import * as oauth from 'oauth4webapi';

/**
 * DPoP proofs (RFC 9449) made by oauth4webapi's DPoP handle: its
 * `protectedResourceRequest` signs the proof and sends it through a fetch we
 * give it; that fetch only keeps the `DPoP` header and never touches the
 * network, so the request itself goes through the adapter and the driver.
 */
export class DPoPProver {
  readonly #keyPair: CryptoKeyPair | undefined;
  #handle: Promise<oauth.DPoPHandle> | undefined;
  // The last nonce handed to the handle per origin: a new one costs a signature, an old one nothing.
  readonly #nonces = new Map<string, string>();

  constructor(keyPair: CryptoKeyPair | true) {
    this.#keyPair = keyPair === true ? undefined : keyPair;
  }

  /** The handle oauth4webapi's token requests take (one key pair for the life of the scheme). */
  handle(): Promise<oauth.DPoPHandle> {
    if (this.#handle === undefined) {
      const keyPair = this.#keyPair;
      this.#handle = (keyPair === undefined ? oauth.generateKeyPair('ES256') : Promise.resolve(keyPair)).then((pair) =>
        oauth.DPoP({}, pair),
      );
      this.#handle.catch(() => {
        this.#handle = undefined;
      });
    }
    return this.#handle;
  }

  /** RFC 9449 §4.2 and §7.1: a proof of `method` and `url` bound to `accessToken` by `ath`. */
  async proof(method: string, url: string, accessToken: string): Promise<string> {
    let proof: string | null = null;
    await oauth.protectedResourceRequest(accessToken, method, new URL(url), new Headers(), null, {
      DPoP: await this.handle(),
      // Our TokenScope already applied the transport rule to this URL.
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: async (_url, init) => {
        proof = new Headers(init.headers).get('dpop');
        // Stryker disable next-line ObjectLiteral: this answer only ends a request that never leaves; nothing reads its status
        return new Response(null, { status: 204 });
      },
    });
    if (proof === null) throw new AuthError('ERR_OAUTH_RESPONSE', 'No DPoP proof was made');
    return proof;
  }

  /**
   * RFC 9449 §8.2 and §9: remember the `DPoP-Nonce` a resource server sent,
   * for the next proof to its origin. Returns whether it was new.
   */
  async remember(response: AuthResponse): Promise<boolean> {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce === null) return false;
    const url = new URL(response.url);
    if (this.#nonces.get(url.origin) === nonce) return false;
    this.#nonces.set(url.origin, nonce);
    if (this.#nonces.size > 100) this.#nonces.delete(this.#nonces.keys().next().value as string);
    // The handle learns a nonce only from a response it sees: show it one carrying this nonce.
    await oauth.protectedResourceRequest('nonce', 'GET', url, new Headers(), null, {
      DPoP: await this.handle(),
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: async () => new Response(null, { status: 204, headers: { 'dpop-nonce': nonce } }),
    });
    return true;
  }
}

/** RFC 9449 §9: a 401 whose DPoP challenge says `error="use_dpop_nonce"`. */
export function isNonceChallenge(response: AuthResponse): boolean {
  if (response.status !== 401) return false;
  const header = response.headers.get('www-authenticate');
  if (header === null) return false;
  try {
    return parseChallenges(header).some(
      (challenge) => challenge.scheme === 'dpop' && challenge.params.error === 'use_dpop_nonce',
    );
  } catch {
    // A header that does not parse holds no nonce challenge.
  }
  return false;
}
