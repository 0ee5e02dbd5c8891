import { BasicAuth } from '@authbelt/basic';
import { DigestAuth } from '@authbelt/digest';
import { GuessAuth } from '@authbelt/guess';
import { AuthHandler } from '@authbelt/handler';
import { describe, expect, inject, it } from 'vitest';
import { adapters, text } from './clients.js';
import { users, wrongPassword } from './credentials.js';
import { AccessLog, type LogEntry } from './harness/access-log.js';
import { sleep } from './harness/process.js';
import { type ApacheInfo, isMissing } from './harness/servers.js';
import { binaryBody, caseId, expectLog } from './helpers.js';

const server = inject('interop').apache;
const title = isMissing(server) ? `Apache httpd (skipped: install ${server.missing})` : `${server.version}`;

describe.skipIf(isMissing(server))(title, () => {
  const apache = server as ApacheInfo;
  const origin = `http://127.0.0.1:${apache.httpPort}`;
  const log = new AccessLog(apache.accessLog, 'apache');
  const { ascii, utf8 } = users;
  /** Requests to this origin carrying this test's marker. */
  const mine =
    (id: string) =>
    (entry: LogEntry): boolean =>
      entry.target.endsWith(`case=${id}`);

  describe.each(adapters)('$name', (adapter) => {
    describe('Basic (mod_auth_basic)', () => {
      it.each([
        ['ASCII', ascii],
        ['UTF-8', utf8],
        ['UTF-8 password', users.utf8Password],
      ])('%s credentials: sent up front, one request', async (_, user) => {
        const id = caseId('basic');
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(user.username, user.password));
        const response = await client.request(`${origin}/basic/?case=${id}`);
        expect(response.status).toBe(200);
        expect(text(response.body)).toBe('basic ok\n');
        await expectLog(log, mark, mine(id), [[200]]);
      });

      it('wrong password: the caller gets the 401, one request, no retry', async () => {
        const id = caseId('basic-wrong');
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(ascii.username, wrongPassword));
        const response = await client.request(`${origin}/basic/?case=${id}`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, mine(id), [[401, ascii.username]]);
      });

      it('over https', async () => {
        const id = caseId('basic-tls');
        const mark = log.mark();
        const client = adapter.client(new BasicAuth(ascii.username, ascii.password), { ca: apache.ca });
        const response = await client.request(`https://127.0.0.1:${apache.httpsPort}/basic/?case=${id}`);
        expect(response.status).toBe(200);
        await client.close();
        await expectLog(log, mark, mine(id), [[200, ascii.username]]);
      });
    });

    describe('Digest (mod_auth_digest: MD5, qop=auth, rspauth)', () => {
      it('answers the challenge, checks rspauth, then answers up front with the next nc', async () => {
        const id = caseId('digest');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        const first = await client.request(`${origin}/digest/?case=${id}`);
        expect(first.status).toBe(200);
        // mod_auth_digest signs its answer; DigestAuth verified it (a mismatch throws).
        expect(first.headers.get('authentication-info')).toMatch(/rspauth="[0-9a-f]{32}"/);
        const second = await client.request(`${origin}/digest/?case=${id}`);
        expect(second.status).toBe(200);
        expect(second.headers.get('authentication-info')).toMatch(/nc=00000002/);
        await expectLog(log, mark, mine(id), [
          [401, '-'],
          [200, ascii.username],
          [200, ascii.username],
        ]);
      });

      it('UTF-8 password (hashed as UTF-8)', async () => {
        const id = caseId('digest-utf8-password');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(users.utf8Password.username, users.utf8Password.password));
        const response = await client.request(`${origin}/digest/?case=${id}`);
        expect(response.status).toBe(200);
        await expectLog(log, mark, mine(id), [
          [401, '-'],
          [200, users.utf8Password.username],
        ]);
      });

      it('UTF-8 user-id: raw UTF-8 octets in username (no charset offered), as curl sends them', async () => {
        // mod_auth_digest offers no charset=UTF-8 and reads no username* (AH01782
        // "missing user"); it takes the octets of the quoted-string username.
        // More in digest-interop.test.ts.
        const id = caseId('digest-utf8');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(utf8.username, utf8.password));
        const response = await client.request(`${origin}/digest/?case=${id}`);
        expect(response.status).toBe(200);
        await expectLog(log, mark, mine(id), [[401, '-'], [200]]);
      });

      it('a POST body comes back byte for byte', async () => {
        const id = caseId('digest-post');
        const mark = log.mark();
        const body = binaryBody();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        const response = await client.request(`${origin}/digest-echo?case=${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-request-method')).toBe('POST');
        expect(Buffer.from(response.body).equals(Buffer.from(body))).toBe(true);
        const entries = await expectLog(log, mark, mine(id), [
          [401, '-'],
          [200, ascii.username],
        ]);
        expect(entries.map((entry) => entry.method)).toEqual(['POST', 'POST']);
      });

      it('an expired nonce: stale=true is answered once more with the new nonce, no new password prompt', async () => {
        const id = caseId('digest-stale');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, ascii.password));
        expect((await client.request(`${origin}/digest-stale/?case=${id}`)).status).toBe(200);
        // AuthDigestNonceLifetime 1: the remembered nonce is stale by now.
        await sleep(2100);
        expect((await client.request(`${origin}/digest-stale/?case=${id}`)).status).toBe(200);
        await expectLog(log, mark, mine(id), [[401, '-'], [200, ascii.username], [401], [200, ascii.username]]);
      });

      it('wrong password: exactly one answer, then the 401 goes to the caller', async () => {
        const id = caseId('digest-wrong');
        const mark = log.mark();
        const client = adapter.client(new DigestAuth(ascii.username, wrongPassword));
        const response = await client.request(`${origin}/digest/?case=${id}`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, mine(id), [[401, '-'], [401]]);
      });
    });

    describe('GuessAuth', () => {
      it.each([
        ['Basic', 'basic', 'basic ok\n'],
        ['Digest', 'digest', 'digest ok\n'],
      ])('picks %s from the challenge', async (_, path, expected) => {
        const id = caseId(`guess-${path}`);
        const mark = log.mark();
        const client = adapter.client(new GuessAuth(ascii.username, ascii.password));
        const response = await client.request(`${origin}/${path}/?case=${id}`);
        expect(response.status).toBe(200);
        expect(text(response.body)).toBe(expected);
        await expectLog(log, mark, mine(id), [
          [401, '-'],
          [200, ascii.username],
        ]);
      });

      it('wrong password: one answer, then the 401', async () => {
        const id = caseId('guess-wrong');
        const mark = log.mark();
        const client = adapter.client(new GuessAuth(ascii.username, wrongPassword));
        const response = await client.request(`${origin}/digest/?case=${id}`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, mine(id), [[401, '-'], [401]]);
      });
    });

    describe('AuthHandler', () => {
      it('Basic for the origin it names, Digest through an AuthBase strategy', async () => {
        const id = caseId('handler');
        const mark = log.mark();
        const handler = new AuthHandler({
          [origin]: [ascii.username, ascii.password],
          [`https://127.0.0.1:${apache.httpsPort}`]: new DigestAuth(ascii.username, ascii.password),
        });
        const client = adapter.client(handler, { ca: apache.ca });
        expect((await client.request(`${origin}/basic/?case=${id}`)).status).toBe(200);
        expect((await client.request(`https://127.0.0.1:${apache.httpsPort}/digest/?case=${id}`)).status).toBe(200);
        await client.close();
        await expectLog(log, mark, mine(id), [
          [200, ascii.username],
          [401, '-'],
          [200, ascii.username],
        ]);
      });

      it('no credentials for an origin it does not name', async () => {
        const id = caseId('handler-none');
        const mark = log.mark();
        const client = adapter.client(new AuthHandler({ 'http://127.0.0.1:1': [ascii.username, ascii.password] }));
        const response = await client.request(`${origin}/basic/?case=${id}`);
        expect(response.status).toBe(401);
        await expectLog(log, mark, mine(id), [[401, '-']]);
      });
    });
  });
});
