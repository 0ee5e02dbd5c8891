import { BasicAuth } from '@authbelt/basic';
import { DigestAuth } from '@authbelt/digest';
import { GuessAuth } from '@authbelt/guess';
import { AuthHandler } from '@authbelt/handler';
import { describe, expect, inject, it } from 'vitest';
import { adapters, cookieFetch, text } from './clients.js';
import { users, wrongPassword } from './credentials.js';
import { AccessLog } from './harness/access-log.js';
import { type HttpbinInfo, isMissing } from './harness/servers.js';
import { expectLog } from './helpers.js';

const server = inject('interop').httpbin;
const title = isMissing(server) ? `httpbin (skipped: install ${server.missing})` : server.version;

/** A path segment as httpbin's routes take it (UTF-8, percent-encoded). */
const seg = encodeURIComponent;

describe.skipIf(isMissing(server))(title, () => {
  const httpbin = server as HttpbinInfo;
  const origin = `http://127.0.0.1:${httpbin.port}`;
  const log = new AccessLog(httpbin.accessLog, 'httpbin');
  const { utf8 } = users;
  // httpbin takes the account from the URL. It hashes the percent-decoded
  // path, not the digest-uri the client sent, so for Digest the path must
  // need no percent-encoding: no space in this password.
  const ascii = { username: users.ascii.username, password: 'correct-horse' };
  const all = () => true;
  const json = (body: Uint8Array) => JSON.parse(text(body)) as { authenticated?: boolean; user?: string };

  describe.each(adapters)('$name', (adapter) => {
    describe('Basic', () => {
      it.each([
        ['ASCII', ascii],
        ['UTF-8', utf8],
      ])('%s credentials: /basic-auth, one request', async (_, user) => {
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(user.username, user.password));
        const response = await client.request(`${origin}/basic-auth/${seg(user.username)}/${seg(user.password)}`);
        expect(response.status).toBe(200);
        expect(json(response.body)).toEqual({ authenticated: true, user: user.username });
        await expectLog(log, mark, all, [[200, 'Basic']]);
      });

      it('/hidden-basic-auth (404 and no challenge without credentials): sent up front, so it works', async () => {
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(ascii.username, ascii.password));
        const response = await client.request(
          `${origin}/hidden-basic-auth/${seg(ascii.username)}/${seg(ascii.password)}`,
        );
        expect(response.status).toBe(200);
        await expectLog(log, mark, all, [[200, 'Basic']]);
      });

      it('wrong password: the caller gets the 401, one request', async () => {
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(ascii.username, wrongPassword));
        const response = await client.request(`${origin}/basic-auth/${seg(ascii.username)}/${seg(ascii.password)}`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, all, [[401, 'Basic']]);
      });
    });

    describe('Digest /digest-auth/{qop}/{user}/{passwd}/{algorithm}', () => {
      const cases = ['MD5', 'SHA-256', 'SHA-512'].flatMap((algorithm) =>
        ['auth', 'auth-int'].map((qop) => ({ algorithm, qop })),
      );
      it.each(cases)('$algorithm, qop=$qop', async ({ algorithm, qop }) => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        const path = `/digest-auth/${qop}/${seg(ascii.username)}/${seg(ascii.password)}/${algorithm}`;
        const response = await client.request(`${origin}${path}`);
        expect(response.status).toBe(200);
        expect(json(response.body)).toEqual({ authenticated: true, user: ascii.username });
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
        ]);
      });

      it.each([
        ['auth', {}],
        ['auth-int', { qop: 'auth-int' as const }],
      ])('both qops offered: answers with %s as configured', async (_, options) => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password, options));
        // Any qop segment other than auth / auth-int makes httpbin offer both.
        const response = await client.request(
          `${origin}/digest-auth/any/${seg(ascii.username)}/${seg(ascii.password)}`,
        );
        expect(response.status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
        ]);
      });

      it('UTF-8 user-id: httpbin hashes the percent-decoded path, so its 401 comes back after one answer (curl gets 401 too)', async () => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(utf8.username, utf8.password));
        const response = await client.request(
          `${origin}/digest-auth/auth/${seg(utf8.username)}/${seg(utf8.password)}/MD5`,
        );
        expect(response.status).toBe(401);
        await expectLog(log, mark, all, [
          [401, '-'],
          [401, 'Digest'],
        ]);
      });

      it('a percent-encoded path (here a UTF-8 password): httpbin hashes the decoded path, so its 401 comes back after one answer', async () => {
        const { username, password } = users.utf8Password;
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(username, password));
        const response = await client.request(`${origin}/digest-auth/auth/${seg(username)}/${seg(password)}/SHA-256`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, all, [
          [401, '-'],
          [401, 'Digest'],
        ]);
      });

      it('wrong password: exactly one answer, then the 401 goes to the caller', async () => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, wrongPassword));
        const response = await client.request(
          `${origin}/digest-auth/auth/${seg(ascii.username)}/${seg(ascii.password)}/SHA-256`,
        );
        expect(response.status).toBe(401);
        await expectLog(log, mark, all, [
          [401, '-'],
          [401, 'Digest'],
        ]);
      });

      it('later requests are answered up front with the next nc (httpbin does not track nc)', async () => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        const url = `${origin}/digest-auth/auth/${seg(ascii.username)}/${seg(ascii.password)}/MD5`;
        expect((await client.request(url)).status).toBe(200);
        expect((await client.request(url)).status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
          [200, 'Digest'],
        ]);
      });
    });

    describe('Digest .../{algorithm}/{stale_after}: the stale state lives in cookies', () => {
      const path = `/digest-auth/auth/${seg(ascii.username)}/${seg(ascii.password)}/MD5/1`;

      it('with a cookie-keeping fetch underneath: the stale=true 401 is answered once more, no loop', async () => {
        const mark = log.mark();
        const jarFetch = cookieFetch();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password), { fetch: jarFetch });
        expect((await client.request(`${origin}${path}`)).status).toBe(200);
        // httpbin now set stale_after=0: it answers the next request's (valid) nonce with stale=true.
        expect(jarFetch.jar.get('stale_after')).toBe('0');
        expect((await client.request(`${origin}${path}`)).status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
          [401, 'Digest'],
          [200, 'Digest'],
        ]);
      });

      it('without cookies (plain fetch keeps none) httpbin never says stale: plain Digest', async () => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        expect((await client.request(`${origin}${path}`)).status).toBe(200);
        expect((await client.request(`${origin}${path}`)).status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
          [200, 'Digest'],
        ]);
      });

      it('stale_after=0 sent by hand: stale=true on every answer, authbelt answers it once, then returns the 401', async () => {
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        const response = await client.request(`${origin}${path}`, { headers: { cookie: 'stale_after=0' } });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/stale=TRUE/i);
        await expectLog(log, mark, all, [
          [401, '-'],
          [401, 'Digest'],
          [401, 'Digest'],
        ]);
      });
    });

    describe('GuessAuth', () => {
      it.each([
        ['Basic', `/basic-auth/${seg(ascii.username)}/${seg(ascii.password)}`, 'Basic'],
        ['Digest SHA-256', `/digest-auth/auth/${seg(ascii.username)}/${seg(ascii.password)}/SHA-256`, 'Digest'],
        ['Digest SHA-512', `/digest-auth/auth/${seg(ascii.username)}/${seg(ascii.password)}/SHA-512`, 'Digest'],
      ])('%s from the challenge', async (_, path, scheme) => {
        const mark = log.mark();
        const client = adapter.client(new GuessAuth(ascii.username, ascii.password));
        const response = await client.request(`${origin}${path}`);
        expect(response.status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, scheme],
        ]);
      });
    });

    describe('AuthHandler', () => {
      it('a DigestAuth strategy for the origin', async () => {
        const mark = log.mark();
        const client = adapter.client(new AuthHandler({ [origin]: new DigestAuth(ascii.username, ascii.password) }));
        const response = await client.request(
          `${origin}/digest-auth/auth-int/${seg(ascii.username)}/${seg(ascii.password)}/SHA-512`,
        );
        expect(response.status).toBe(200);
        await expectLog(log, mark, all, [
          [401, '-'],
          [200, 'Digest'],
        ]);
      });
    });
  });
});
