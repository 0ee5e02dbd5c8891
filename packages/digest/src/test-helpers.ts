// Test helpers (not exported): drive a flow by hand, as httpx's tests do,
// against a small in-memory Digest server written from RFC 7616 with
// node:crypto, independent of the client code.
import { createHash } from 'node:crypto';
import { type AuthBase, type AuthRequest, type AuthResponse, parseCredentials } from '@authbelt/core';

export interface Leg {
  /** What was sent: method, target and a copy of the headers. */
  readonly request: { method: string; url: string; headers: Headers };
  readonly response: AuthResponse;
}

export type Server = (request: AuthRequest) => AuthResponse | Promise<AuthResponse>;

/** Run `auth`'s flow for `request` against `server`, leg by leg, as core's driver would. */
export async function drive(auth: AuthBase, request: AuthRequest, server: Server, maxLegs = 5): Promise<Leg[]> {
  const legs: Leg[] = [];
  const flow = auth.flow(request);
  let step = await flow.next();
  let next = step.done ? request : step.value;
  for (;;) {
    const snapshot = { method: next.method, url: next.url, headers: new Headers(next.headers) };
    const response = await server(next);
    legs.push({ request: snapshot, response });
    if (step.done) return legs;
    step = await flow.next(response);
    if (step.done || legs.length >= maxLegs) return legs;
    next = step.value;
  }
}

export function get(url: string, init: Partial<AuthRequest> = {}): AuthRequest {
  return { method: 'GET', url, headers: new Headers(), ...init };
}

export function response(status: number, headers: Record<string, string> | [string, string][] = {}): AuthResponse {
  return { status, url: 'http://test/', headers: new Headers(headers) };
}

const NODE_HASH: Record<string, string> = {
  md5: 'md5',
  'sha-256': 'sha256',
  'sha-512-256': 'sha512-256',
  'sha-512': 'sha512',
};

export interface ServerOptions {
  realm?: string;
  algorithm?: string;
  qop?: string | undefined;
  users?: Record<string, string>;
  /** Header to read credentials from and status to challenge with. */
  proxy?: boolean;
  /** Make each new nonce; default a counter. */
  nonce?: () => string;
  /** Send `nextnonce` after each success. */
  nextnonce?: boolean;
  /** Send rspauth; 'bad' sends a wrong one. */
  rspauth?: 'good' | 'bad';
  /** Reject the nonce of these many successful answers as stale. */
  staleAfter?: number;
  userhash?: boolean;
  /** A `domain` to send (RFC 7616 §3.3). */
  domain?: string;
}

/** A strict little Digest server: nonces it issued, nc never reused per nonce, the response checked. */
export class FakeDigestServer {
  readonly options: ServerOptions;
  readonly ncSeen: string[] = [];
  readonly failures: string[] = [];
  readonly #nonces = new Map<string, Set<string>>();
  #count = 0;
  #accepted = 0;

  constructor(options: ServerOptions = {}) {
    this.options = options;
  }

  newNonce(): string {
    const nonce = this.options.nonce?.() ?? `nonce-${++this.#count}`;
    if (!this.#nonces.has(nonce)) this.#nonces.set(nonce, new Set());
    return nonce;
  }

  expire(nonce: string): void {
    this.#nonces.delete(nonce);
  }

  challenge(stale = false): string {
    const o = this.options;
    let value = `Digest realm="${o.realm ?? 'r'}", nonce="${this.newNonce()}", opaque="op"`;
    if (o.algorithm !== undefined) value += `, algorithm=${o.algorithm}`;
    if (o.qop !== undefined) value += `, qop="${o.qop}"`;
    if (o.userhash) value += ', userhash=true';
    if (o.domain !== undefined) value += `, domain="${o.domain}"`;
    if (stale) value += ', stale=true';
    return value;
  }

  readonly handle: Server = async (request) => {
    const o = this.options;
    const header = request.headers.get(o.proxy ? 'proxy-authorization' : 'authorization');
    const challengeStatus = o.proxy ? 407 : 401;
    const challengeName = o.proxy ? 'proxy-authenticate' : 'www-authenticate';
    const deny = (why: string, stale = false) => {
      if (header !== null) this.failures.push(why);
      return response(challengeStatus, { [challengeName]: this.challenge(stale) });
    };
    if (header === null) return deny('none');
    const p = parseCredentials(header).params;
    const algorithm = (o.algorithm ?? 'MD5').toLowerCase();
    const sess = algorithm.endsWith('-sess');
    const name = NODE_HASH[sess ? algorithm.slice(0, -5) : algorithm] as string;
    const H = (data: string | Uint8Array) => createHash(name).update(data).digest('hex');
    const realm = o.realm ?? 'r';
    const users = o.users ?? { Mufasa: 'Circle of Life' };
    let user: string | undefined;
    for (const candidate of Object.keys(users)) {
      const sent = p.userhash === 'true' ? H(`${candidate}:${realm}`) : candidate;
      if (p.username === sent) user = candidate;
    }
    if (user === undefined) return deny('user');
    const nonce = p.nonce ?? '';
    const seen = this.#nonces.get(nonce);
    if (seen === undefined) return deny('nonce', true);
    if (p.nc !== undefined) {
      if (seen.has(p.nc)) return deny('replay');
      seen.add(p.nc);
      this.ncSeen.push(p.nc);
    }
    const url = new URL(request.url);
    const uri =
      request.target ?? (o.proxy ? `${url.origin}${url.pathname}${url.search}` : `${url.pathname}${url.search}`);
    if (p.uri !== uri) return deny('uri');
    let ha1 = H(`${user}:${realm}:${users[user]}`);
    if (sess) ha1 = H(`${ha1}:${nonce}:${p.cnonce}`);
    let ha2 = H(`${request.method}:${uri}`);
    if (p.qop === 'auth-int') {
      const body = request.body === undefined ? new Uint8Array() : await request.body.bytes();
      ha2 = H(`${request.method}:${uri}:${H(body)}`);
    }
    const expected =
      p.qop === undefined ? H(`${ha1}:${nonce}:${ha2}`) : H(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    if (p.response !== expected) return deny('response');
    this.#accepted++;
    if (o.staleAfter !== undefined && this.#accepted > o.staleAfter) {
      this.#accepted = 0;
      this.expire(nonce);
      return deny('stale', true);
    }
    const info: string[] = [];
    if (o.nextnonce) info.push(`nextnonce="${this.newNonce()}"`);
    if (o.rspauth !== undefined && p.qop === 'auth') {
      const rsp = H(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${H(`:${uri}`)}`);
      info.push(`rspauth="${o.rspauth === 'good' ? rsp : rsp.replace(/^./, (c) => (c === '0' ? '1' : '0'))}"`);
      info.push(`qop=auth, nc=${p.nc}, cnonce="${p.cnonce}"`);
    }
    return response(
      200,
      info.length === 0 ? {} : { [o.proxy ? 'proxy-authentication-info' : 'authentication-info']: info.join(', ') },
    );
  };
}

/** The Digest params of the credentials in `headers`. */
export function sentParams(headers: Headers, name = 'authorization'): Record<string, string> | undefined {
  const value = headers.get(name);
  return value === null ? undefined : parseCredentials(value).params;
}
