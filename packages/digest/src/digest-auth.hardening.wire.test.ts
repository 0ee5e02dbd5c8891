// Over loopback against the strict test server: the minimum a DigestAuth
// answers (algorithms, qop), non-ASCII user-ids as raw UTF-8 octets in every
// client, nonce counts that never repeat when a server cycles its nonces, and
// unknown options refused at construction.
import { withAuth as withAxiosAuth } from '@authbelt/adapter-axios';
import { withAuth } from '@authbelt/adapter-fetch';
import { withAuth as withKyAuth } from '@authbelt/adapter-ky';
import { authErrorOf, isAuthError, parseCredentials } from '@authbelt/core';
import { type RouteOptions, startTestServer, type TestServer } from '@authbelt/test-server';
import axios from 'axios';
import ky from 'ky';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';

const NON_ASCII = 'Jäsøn Doe';
const users: Record<string, string> = { Mufasa: 'Circle of Life', [NON_ASCII]: 'pässwörd€' };
const digest = { auth: 'digest', realm: 'r', users } as const;

const routes: Record<string, RouteOptions> = {
  '/md5': { ...digest, algorithms: ['MD5'], qop: ['auth'] },
  '/md5-and-sha256': { ...digest, algorithms: ['SHA-256', 'MD5'], qop: ['auth'] },
  '/rfc2069': { ...digest, algorithms: ['MD5'], qop: 'none' },
  '/sha256-rfc2069': { ...digest, algorithms: ['SHA-256'], qop: 'none' },
  // Apache's and squid's kind: MD5, qop=auth, no charset, so a non-ASCII name goes as raw UTF-8.
  '/raw-utf8': { ...digest, realm: 'raw', algorithms: ['MD5'], qop: ['auth'], authInfo: true },
  '/raw-utf8-sha256': { ...digest, realm: 'raw256', algorithms: ['SHA-256'], qop: ['auth'] },
  '/charset': { ...digest, realm: 'cs', algorithms: ['SHA-256'], qop: ['auth'], digestCharset: true },
  // A server that hands out 20 nonces in turn through nextnonce.
  '/ring': { ...digest, realm: 'ring', algorithms: ['SHA-256'], qop: ['auth'], nextnonce: true, nextnonceRing: 20 },
  '/ring-concurrent': {
    ...digest,
    realm: 'ring2',
    algorithms: ['SHA-256'],
    qop: ['auth'],
    nextnonce: true,
    nextnonceRing: 20,
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ routes });
});
afterAll(async () => {
  await server.close();
});

function client(options: DigestAuthOptions = {}, user = 'Mufasa'): typeof fetch {
  return withAuth(fetch, new DigestAuth(user, users[user] ?? 'wrong', options));
}

async function status(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

/** The Authorization values the server saw on `path`, as sent (one character per octet). */
function answers(path: string): string[] {
  return server.requests
    .filter((r) => r.path === path && r.headers.authorization !== undefined)
    .map((r) => String(r.headers.authorization));
}

describe('a minimum: algorithms and requireQop', () => {
  it('algorithms without MD5: an MD5-only server gets no answer, its 401 comes back with ERR_UNSUPPORTED_ALGORITHM', async () => {
    const before = server.stats('/md5').requests;
    const response = await client({ algorithms: ['SHA-256', 'SHA-512-256'] })(`${server.url}/md5`);
    expect(await status(response)).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(authErrorOf(response)?.message).toMatch(/MD5 is not among the allowed algorithms/);
    expect(server.stats('/md5').requests - before).toBe(1);
  });

  it('picks the strongest allowed challenge, and names are case-insensitive', async () => {
    // Plain JavaScript may spell them in any case; the type names them as RFC 7616 does.
    const lower = (name: string) => ({ algorithms: [name] }) as unknown as DigestAuthOptions;
    expect(await status(await client(lower('md5'))(`${server.url}/md5-and-sha256`))).toBe(200);
    expect(parseCredentials(answers('/md5-and-sha256').at(-1) as string).params.algorithm).toBe('MD5');
    expect(await status(await client(lower('sha-256'))(`${server.url}/md5-and-sha256`))).toBe(200);
    expect(parseCredentials(answers('/md5-and-sha256').at(-1) as string).params.algorithm).toBe('SHA-256');
  });

  it('by default every algorithm is answered, MD5 included', async () => {
    expect(await status(await client()(`${server.url}/md5`))).toBe(200);
  });

  it.each([
    '/rfc2069',
    '/sha256-rfc2069',
  ])('by default an RFC 2069 challenge (no qop) on %s gets no answer: ERR_UNSUPPORTED_QOP', async (path) => {
    const before = server.stats(path).requests;
    const response = await client()(`${server.url}${path}`);
    expect(await status(response)).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_QOP');
    expect(server.stats(path).requests - before).toBe(1);
    expect(await status(await client({ requireQop: false })(`${server.url}${path}`))).toBe(200);
  });
});

describe('a non-ASCII user-id', () => {
  const octets = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  const expectedUsername = `username="${octets(NON_ASCII)}"`;

  const clients: ReadonlyArray<readonly [string, (auth: DigestAuth) => (url: string) => Promise<number>]> = [
    ['Node fetch', (auth) => async (url) => status(await withAuth(fetch, auth)(url))],
    [
      'undici fetch',
      (auth) => async (url) => status(await withAuth(undiciFetch as unknown as typeof fetch, auth)(url)),
    ],
    [
      'axios (http adapter)',
      (auth) => async (url) =>
        (await withAxiosAuth(axios.create({ validateStatus: () => true }), auth).get(url)).status,
    ],
    [
      'axios (fetch adapter)',
      (auth) => async (url) =>
        (await withAxiosAuth(axios.create({ validateStatus: () => true, adapter: 'fetch' }), auth).get(url)).status,
    ],
    [
      'ky',
      (auth) => async (url) => status(await withKyAuth(ky.create({ throwHttpErrors: false, retry: 0 }), auth)(url)),
    ],
  ];

  it.each(
    clients,
  )('%s: raw UTF-8 octets in username where the server announces no charset, as curl sends them', async (_, make) => {
    for (const path of ['/raw-utf8', '/raw-utf8-sha256']) {
      const before = server.stats(path);
      const get = make(new DigestAuth(NON_ASCII, users[NON_ASCII] as string));
      expect(await get(`${server.url}${path}`)).toBe(200);
      // Answered up front the second time.
      expect(await get(`${server.url}${path}`)).toBe(200);
      const after = server.stats(path);
      expect(after.requests - before.requests).toBe(3);
      expect(after.authFailures - before.authFailures).toBe(0);
      const last = answers(path).at(-1) as string;
      expect(last).toContain(expectedUsername);
      expect(last).not.toContain('username*');
      expect(server.requests.at(-1)?.user).toBe(NON_ASCII);
    }
  });

  it('username* (RFC 8187) where the server announces charset=UTF-8', async () => {
    expect(await status(await client({}, NON_ASCII)(`${server.url}/charset`))).toBe(200);
    const last = answers('/charset').at(-1) as string;
    expect(parseCredentials(last).params['username*']).toBe("UTF-8''J%C3%A4s%C3%B8n%20Doe");
    expect(last).not.toMatch(/username="/);
  });

  it('a user-id with a control character (no quoted-string carries it) goes as username*', async () => {
    const auth = new DigestAuth('a\u0001b', 'p');
    const response = await withAuth(fetch, auth)(`${server.url}/raw-utf8`);
    expect(await status(response)).toBe(401);
    expect(answers('/raw-utf8').at(-1)).toContain("username*=UTF-8''a%01b");
  });
});

describe('nonce counts when a server cycles its nonces through nextnonce', () => {
  /** Every (nonce, nc) pair the server received on `path`, and how many were repeats. */
  function repeatedPairs(path: string): number {
    const pairs = answers(path).map((value) => {
      const { nonce, nc } = parseCredentials(value).params;
      return `${nonce} ${nc}`;
    });
    return pairs.length - new Set(pairs).size;
  }

  it('200 sequential requests through a ring of 20 nonces: no (nonce, nc) repeats, every one answered up front', async () => {
    const authFetch = client();
    const before = server.stats('/ring');
    for (let i = 0; i < 200; i++) expect(await status(await authFetch(`${server.url}/ring?i=${i}`))).toBe(200);
    const after = server.stats('/ring');
    expect(after.replays - before.replays).toBe(0);
    expect(after.authFailures - before.authFailures).toBe(0);
    expect(after.requests - before.requests).toBe(201);
    expect(repeatedPairs('/ring')).toBe(0);
  });

  it('200 requests, 20 at a time, through a ring of 20 nonces: responses come back in any order with older nonces, no repeats', async () => {
    const authFetch = client();
    const before = server.stats('/ring-concurrent');
    for (let batch = 0; batch < 10; batch++) {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async (_, i) =>
          status(await authFetch(`${server.url}/ring-concurrent?b=${batch}&i=${i}`)),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const after = server.stats('/ring-concurrent');
    expect(after.replays - before.replays).toBe(0);
    expect(repeatedPairs('/ring-concurrent')).toBe(0);
  });
});

describe('options are checked at construction', () => {
  it.each([
    [{ algorithm: 'SHA-256' }, /DigestAuth has no option "algorithm"/],
    [{ algorithms: [] }, /DigestAuth option algorithms must be a non-empty array/],
    [{ algorithms: ['SHA3-256'] }, /DigestAuth option algorithms must be/],
    [{ requireQop: 'yes' }, /DigestAuth option requireQop must be a boolean/],
    [{ stale_rejects: 2 }, /DigestAuth has no option "stale_rejects"/],
  ])('%o: ERR_INVALID_ARGUMENT naming the option, nothing sent', (options, message) => {
    const before = server.stats().requests;
    let caught: unknown;
    try {
      new DigestAuth('Mufasa', 'Circle of Life', options as DigestAuthOptions);
    } catch (error) {
      caught = error;
    }
    expect(isAuthError(caught) && caught.code).toBe('ERR_INVALID_ARGUMENT');
    expect((caught as Error).message).toMatch(message);
    expect(server.stats().requests).toBe(before);
  });

  it('a subclass extends the known options by declaring its rules', () => {
    class TimedDigestAuth extends DigestAuth {
      static override readonly optionRules = {
        ...DigestAuth.optionRules,
        timeout: [(value: unknown) => typeof value === 'number', 'a number'] as const,
      };
    }
    expect(() => new TimedDigestAuth('u', 'p', { timeout: 5 } as DigestAuthOptions)).not.toThrow();
    expect(() => new TimedDigestAuth('u', 'p', { timeuot: 5 } as DigestAuthOptions)).toThrow(
      /TimedDigestAuth has no option "timeuot"/,
    );
    // One that declares no rules of its own gets its own options through, and ours checked.
    class LooseDigestAuth extends DigestAuth {}
    expect(() => new LooseDigestAuth('u', 'p', { mine: 1 } as DigestAuthOptions)).not.toThrow();
    expect(() => new LooseDigestAuth('u', 'p', { qop: 'x' } as unknown as DigestAuthOptions)).toThrow(
      /LooseDigestAuth option qop must be/,
    );
  });
});
