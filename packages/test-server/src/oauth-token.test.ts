import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
beforeAll(async () => {
  server = await startTestServer({ bearer: { users: { 'app id': 's3-cr+et' }, routes: { '/api': {} } } });
});
afterAll(async () => {
  await server.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (headers: Record<string, string>, body: string) =>
  fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('Bearer mode: the OAuth 2.0 token endpoint (RFC 6749 §4.4)', () => {
  it('client_secret_basic with the id and secret form-urlencoded (§2.3.1): a token the API accepts, counted as a login', async () => {
    server.reset();
    const basic = Buffer.from(`${encodeURIComponent('app id')}:${encodeURIComponent('s3-cr+et')}`).toString('base64');
    const answer = await post(
      { authorization: `Basic ${basic}` },
      form({ grant_type: 'client_credentials', scope: 'a' }),
    );
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'a' });
    const api = await fetch(`${server.url}/api`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(api.status).toBe(200);
    expect(server.bearer.logins()).toBe(1);
  });

  it('client_secret_post', async () => {
    const answer = await post(
      {},
      form({ grant_type: 'client_credentials', client_id: 'app id', client_secret: 's3-cr+et' }),
    );
    expect(answer.status).toBe(200);
  });

  it('a wrong secret: 401 invalid_client, with a Basic challenge when Basic was used (§5.2)', async () => {
    const basic = Buffer.from('app%20id:wrong').toString('base64');
    const answer = await post({ authorization: `Basic ${basic}` }, form({ grant_type: 'client_credentials' }));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await answer.json()).toEqual({ error: 'invalid_client' });
  });

  it('another grant type: 400 unsupported_grant_type', async () => {
    const answer = await post({}, form({ grant_type: 'password', client_id: 'app id', client_secret: 's3-cr+et' }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});
