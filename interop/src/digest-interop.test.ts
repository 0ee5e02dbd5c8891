// Issue 12, items 4 and 5, against the real servers: a non-ASCII user-id
// signs in to Apache (mod_auth_digest) and squid (digest_file_auth) wherever
// curl signs in with it, and an origin reached through squid gets the
// origin-form `uri` in its Digest answer.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withAuth as withAxiosAuth } from '@authbelt/adapter-axios';
import { ProxyBasicAuth } from '@authbelt/basic';
import { type AuthBase, parseCredentials } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { GuessProxyAuth } from '@authbelt/guess';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import axios from 'axios';
import { describe, expect, inject, it } from 'vitest';
import { adapters, type Client, text } from './clients.js';
import { users } from './credentials.js';
import { AccessLog, type LogEntry } from './harness/access-log.js';
import { findExecutable, sleep } from './harness/process.js';
import { type ApacheInfo, type HttpbinInfo, isMissing, type SquidInfo } from './harness/servers.js';
import { caseId, expectLog } from './helpers.js';

const servers = inject('interop');
const { ascii, utf8 } = users;
const curl = findExecutable('curl');

/** How Apache's `%u` and squid's `%un` log a user-id: Apache escapes octets above 0x7E as \xhh. */
const apacheLogged = (user: string): string =>
  [...Buffer.from(user, 'utf8')]
    .map((octet) => (octet > 0x7e ? `\\x${octet.toString(16)}` : String.fromCharCode(octet)))
    .join('');

const mine =
  (id: string) =>
  (entry: LogEntry): boolean =>
    entry.target.endsWith(`case=${id}`);

/**
 * Each Authorization an Apache request carrying `id` had, from
 * authorization.log, as Apache logs it: a quote as \", an octet above 0x7E as \xhh.
 */
async function apacheAuthorizations(apache: ApacheInfo, id: string, atLeast: number): Promise<string[]> {
  const file = join(dirname(apache.accessLog), 'authorization.log');
  const read = () =>
    (existsSync(file) ? readFileSync(file, 'utf8') : '')
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, target, value]) => target?.endsWith(`case=${id}`) && value !== undefined && value !== '-')
      .map(([, , value]) => (value as string).replaceAll('\\"', '"'));
  const deadline = Date.now() + 5000;
  while (read().length < atLeast && Date.now() < deadline) await sleep(25);
  return read();
}

/** The Digest params of each answer Apache logged for `id` (ASCII values only). */
async function apacheAnswers(apache: ApacheInfo, id: string, atLeast: number): Promise<Array<Record<string, string>>> {
  return (await apacheAuthorizations(apache, id, atLeast)).map((value) => parseCredentials(value).params);
}

/** What curl, the reference, gets: its final status. */
function curlStatus(args: readonly string[]): number {
  const out = execFileSync(curl as string, ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

const apacheSkip = isMissing(servers.apache) ? `install ${servers.apache.missing}` : undefined;

describe.skipIf(apacheSkip !== undefined)(
  `Digest non-ASCII user-id on Apache${apacheSkip ? ` (skipped: ${apacheSkip})` : ''}`,
  () => {
    const apache = servers.apache as ApacheInfo;
    const origin = `http://127.0.0.1:${apache.httpPort}`;
    const log = new AccessLog(apache.accessLog, 'apache');

    it.skipIf(curl === undefined)('the reference: curl --digest signs the user in', () => {
      const id = caseId('curl-utf8');
      expect(curlStatus(['--digest', '-u', `${utf8.username}:${utf8.password}`, `${origin}/digest/?case=${id}`])).toBe(
        200,
      );
    });

    describe.each(adapters)('$name', (adapter) => {
      it('raw UTF-8 octets in username (no charset in the challenge): 200, then up front with nc=2', async () => {
        const id = caseId('digest-utf8-raw');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(utf8.username, utf8.password));
        const first = await client.request(`${origin}/digest/?case=${id}`);
        expect(first.status).toBe(200);
        expect(text(first.body)).toBe('digest ok\n');
        const second = await client.request(`${origin}/digest/?case=${id}`);
        expect(second.status).toBe(200);
        expect(second.headers.get('authentication-info')).toMatch(/nc=00000002/);
        await client.close();
        const logged = apacheLogged(utf8.username);
        await expectLog(log, mark, mine(id), [
          [401, '-'],
          [200, logged],
          [200, logged],
        ]);
        // The octets of the name inside username="...", as curl sends them; no username*.
        const answers = await apacheAuthorizations(apache, id, 2);
        expect(answers).toHaveLength(2);
        for (const value of answers) {
          expect(value).toContain(`Digest username="${logged}"`);
          expect(value).not.toContain('username*');
        }
      });
    });
  },
);

const squidSkip = isMissing(servers.squid)
  ? `install ${servers.squid.missing}`
  : isMissing(servers.apache)
    ? `it forwards to Apache: install ${servers.apache.missing}`
    : undefined;

describe.skipIf(squidSkip !== undefined)(`squid and Apache${squidSkip ? ` (skipped: ${squidSkip})` : ''}`, () => {
  const squid = servers.squid as SquidInfo;
  const apache = servers.apache as ApacheInfo;
  const origin = `http://127.0.0.1:${apache.httpPort}`;
  const proxyLog = new AccessLog(squid.accessLog, 'squid');
  const originLog = new AccessLog(apache.accessLog, 'apache');
  const proxyUrl = (port: number) => `http://127.0.0.1:${port}`;

  /** One client per adapter through squid on `port`: fetch and ky answer the 407 with `proxyAuth` below fetch. */
  function through(adapterName: string, port: number, auth: AuthBase | undefined, proxyAuth: AuthBase): Client {
    const adapter = adapters.find((a) => a.name === adapterName);
    if (adapter === undefined) throw new Error(adapterName);
    return adapter.client(auth, { proxy: proxyUrl(port), proxyAuth });
  }

  it.skipIf(curl === undefined)('the reference: curl --proxy-digest signs the user in', () => {
    const id = caseId('curl-proxy-utf8');
    expect(
      curlStatus([
        '--proxy-digest',
        '-U',
        `${utf8.username}:${utf8.password}`,
        '-x',
        proxyUrl(squid.digestPort),
        `${origin}/open/?case=${id}`,
      ]),
    ).toBe(200);
  });

  describe.each(adapters)('$name', (adapter) => {
    it('ProxyDigestAuth with a non-ASCII user-id: raw UTF-8 octets, squid lets it through', async () => {
      const id = caseId('proxy-digest-utf8');
      const marks = { proxy: proxyLog.mark(), origin: originLog.mark() };
      const proxyAuth = new ProxyDigestAuth(utf8.username, utf8.password);
      // axios takes one scheme for the 401 and the 407: the proxy's here.
      const client = through(
        adapter.name,
        squid.digestPort,
        adapter.name === 'axios' ? proxyAuth : undefined,
        proxyAuth,
      );
      try {
        for (let i = 0; i < 2; i++) {
          const response = await client.request(`${origin}/open/?case=${id}`);
          expect(response.status).toBe(200);
          expect(text(response.body)).toBe('open ok\n');
        }
      } finally {
        await client.close();
      }
      const entries = await proxyLog.since(marks.proxy, mine(id), 3);
      expect(entries.map((entry) => entry.status)).toEqual([407, 200, 200]);
      // squid logs the user-id it authenticated (escaped its own way); it is not '-'.
      expect(entries.slice(1).every((entry) => entry.user !== '-')).toBe(true);
      await expectLog(originLog, marks.origin, mine(id), [[200], [200]]);
    });
  });

  describe('DigestAuth on Apache reached through squid: the origin-form uri', () => {
    async function expectOriginForm(id: string, expectedAnswers: number): Promise<void> {
      const answers = await apacheAnswers(apache, id, expectedAnswers);
      expect(answers.length).toBe(expectedAnswers);
      for (const p of answers) expect(p.uri).toBe(`/digest/?case=${id}`);
    }

    it.each(['fetch', 'ky'])('%s: proxyDispatcher with ProxyBasicAuth, DigestAuth for the origin', async (name) => {
      const id = caseId(`via-squid-${name}`);
      const mark = originLog.mark();
      const client = through(
        name,
        squid.basicPort,
        new DigestAuth(ascii.username, ascii.password),
        new ProxyBasicAuth(ascii.username, ascii.password),
      );
      try {
        for (let i = 0; i < 2; i++) expect((await client.request(`${origin}/digest/?case=${id}`)).status).toBe(200);
      } finally {
        await client.close();
      }
      await expectLog(originLog, mark, mine(id), [
        [401, '-'],
        [200, ascii.username],
        [200, ascii.username],
      ]);
      await expectOriginForm(id, 2);
    });

    it("axios's proxy option (its own proxy credentials), DigestAuth for the origin", async () => {
      const id = caseId('via-squid-axios');
      const mark = originLog.mark();
      const instance = withAxiosAuth(
        axios.create({
          validateStatus: () => true,
          proxy: {
            protocol: 'http',
            host: '127.0.0.1',
            port: squid.basicPort,
            auth: { username: ascii.username, password: ascii.password },
          },
        }),
        new DigestAuth(ascii.username, ascii.password),
      );
      for (let i = 0; i < 2; i++) expect((await instance.get(`${origin}/digest/?case=${id}`)).status).toBe(200);
      await expectLog(originLog, mark, mine(id), [
        [401, '-'],
        [200, ascii.username],
        [200, ascii.username],
      ]);
      await expectOriginForm(id, 2);
    });

    it.each(adapters.map((a) => a.name))('%s: GuessProxyAuth for the proxy and the origin', async (name) => {
      const id = caseId(`via-squid-guess-${name}`);
      const mark = originLog.mark();
      const guess = new GuessProxyAuth(ascii.username, ascii.password, ascii.username, ascii.password);
      const client = through(name, squid.bothPort, guess, guess);
      try {
        expect((await client.request(`${origin}/digest/?case=${id}`)).status).toBe(200);
      } finally {
        await client.close();
      }
      await expectLog(originLog, mark, mine(id), [
        [401, '-'],
        [200, ascii.username],
      ]);
      await expectOriginForm(id, 1);
    });
  });
});

const httpbinSkip = isMissing(servers.httpbin)
  ? `install ${servers.httpbin.missing}`
  : isMissing(servers.squid)
    ? `install ${servers.squid.missing}`
    : undefined;

describe.skipIf(httpbinSkip !== undefined)(
  `httpbin through squid${httpbinSkip ? ` (skipped: ${httpbinSkip})` : ''}`,
  () => {
    const httpbin = servers.httpbin as HttpbinInfo;
    const squid = servers.squid as SquidInfo;
    const origin = `http://127.0.0.1:${httpbin.port}`;
    const path = `/digest-auth/auth/${ascii.username}/correct-horse/MD5`;

    /** The Digest `uri` of each answer httpbin logged for `path` since `mark`. */
    function httpbinUris(mark: number): string[] {
      return (
        readFileSync(httpbin.accessLog, 'utf8')
          .split('\n')
          .slice(mark)
          .map((line) => line.split('\t'))
          .filter(([, , target, , authorization]) => target === path && authorization?.startsWith('Digest '))
          // gunicorn logs a quote as \".
          .map(
            ([, , , , authorization]) =>
              parseCredentials((authorization as string).replaceAll('\\"', '"')).params.uri as string,
          )
      );
    }

    it.skipIf(curl === undefined)('a non-ASCII user-id: every adapter gets what curl gets', async () => {
      const url = `${origin}/digest-auth/auth/${encodeURIComponent(utf8.username)}/${encodeURIComponent(utf8.password)}/MD5`;
      const reference = curlStatus(['--digest', '-u', `${utf8.username}:${utf8.password}`, url]);
      for (const adapter of adapters) {
        const client = adapter.client(new DigestAuth(utf8.username, utf8.password));
        expect([adapter.name, (await client.request(url)).status]).toEqual([adapter.name, reference]);
        await client.close();
      }
    });

    it.each(
      adapters.map((a) => a.name),
    )('%s: DigestAuth answers with the origin-form uri, httpbin says 200', async (name) => {
      const log = new AccessLog(httpbin.accessLog, 'httpbin');
      const mark = log.mark();
      const adapter = adapters.find((a) => a.name === name);
      if (adapter === undefined) throw new Error(name);
      const guess = new GuessProxyAuth(ascii.username, 'correct-horse', ascii.username, ascii.password);
      const client = adapter.client(guess, { proxy: `http://127.0.0.1:${squid.bothPort}`, proxyAuth: guess });
      try {
        const response = await client.request(`${origin}${path}`);
        expect(response.status).toBe(200);
      } finally {
        await client.close();
      }
      await log.since(mark, () => true, 2);
      expect(httpbinUris(mark)).toEqual([path]);
    });
  },
);
