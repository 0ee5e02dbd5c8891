// The comparison table in packages/oauth2/README.md, run: authbelt's OAuth2Auth
// beside @badgateway/oauth2-client's OAuth2Fetch and axios-auth-refresh, against
// the same oidc-provider, with the grants counted by the server.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withAuth as withAxiosAuth } from '@authbelt/adapter-axios';
import { withAuth } from '@authbelt/adapter-fetch';
import { OAuth2Auth } from '@authbelt/oauth2';
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import axios from 'axios';
import createAuthRefresh from 'axios-auth-refresh';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENTS, type RunningAuthorizationServer, startAuthorizationServer } from './harness/oidc-provider.js';

let as: RunningAuthorizationServer;
let elsewhere: { url: string; seen: IncomingHttpHeaders[]; close: () => void };

beforeAll(async () => {
  as = await startAuthorizationServer();
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  elsewhere = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
});
afterAll(async () => {
  elsewhere?.close();
  await as?.close();
});
beforeEach(() => {
  as.reset();
  elsewhere.seen.length = 0;
});

const grants = () => as.counts.success.get('client_credentials') ?? 0;

const authbelt = () =>
  withAuth(
    fetch,
    new OAuth2Auth({ issuer: as.issuer, clientId: CLIENTS.service.id, clientSecret: CLIENTS.service.secret }),
  );

function badgateway(stored?: { accessToken: string; expiresAt: number }) {
  const client = new OAuth2Client({
    server: as.issuer,
    tokenEndpoint: '/token',
    clientId: CLIENTS.service.id,
    clientSecret: CLIENTS.service.secret,
  });
  const wrapper = new OAuth2Fetch({
    client,
    getNewToken: () => client.clientCredentials(),
    scheduleRefresh: false,
    ...(stored === undefined ? {} : { getStoredToken: () => ({ ...stored, refreshToken: null }) }),
  });
  return (url: string) => wrapper.fetch(url);
}

describe('one grant for 50 concurrent requests with an expired token', () => {
  it('authbelt: 1', async () => {
    const api = authbelt();
    const responses = await Promise.all(Array.from({ length: 50 }, () => api(`${as.resource}/api`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(grants()).toBe(1);
  });

  it('@badgateway/oauth2-client OAuth2Fetch: 1 (activeRefresh)', async () => {
    const api = badgateway({ accessToken: 'expired', expiresAt: Date.now() - 1000 });
    const responses = await Promise.all(Array.from({ length: 50 }, () => api(`${as.resource}/api`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(grants()).toBe(1);
  });
});

describe('a 401 that is not about the token (a Basic challenge on another path)', () => {
  it('authbelt: no grant spent (only invalid_token or a bare Bearer/DPoP challenge renews)', async () => {
    const api = authbelt();
    expect((await api(`${as.resource}/api`)).status).toBe(200);
    expect((await api(`${as.resource}/basic`)).status).toBe(401);
    expect(grants()).toBe(1);
  });

  it('@badgateway/oauth2-client OAuth2Fetch: a new grant for any 401', async () => {
    const api = badgateway();
    expect((await api(`${as.resource}/api`)).status).toBe(200);
    expect((await api(`${as.resource}/basic`)).status).toBe(401);
    expect(grants()).toBe(2);
  });

  it('axios-auth-refresh: the refresh function runs for any 401 (statusCodes)', async () => {
    let refreshes = 0;
    const instance = axios.create({ validateStatus: (status) => status < 400 });
    createAuthRefresh(instance, async () => {
      refreshes++;
    });
    const error = await instance.get(`${as.resource}/basic`).catch((e: unknown) => e);
    expect((error as { response?: { status?: number } }).response?.status).toBe(401);
    expect(refreshes).toBe(1);
  });

  it('authbelt through axios: no grant either', async () => {
    const instance = axios.create({ validateStatus: () => true });
    withAxiosAuth(
      instance,
      new OAuth2Auth({ issuer: as.issuer, clientId: CLIENTS.service.id, clientSecret: CLIENTS.service.secret }),
    );
    expect((await instance.get(`${as.resource}/api`)).status).toBe(200);
    expect((await instance.get(`${as.resource}/basic`)).status).toBe(401);
    expect(grants()).toBe(1);
  });
});

describe('where the token goes: a request to another origin', () => {
  it('authbelt: no Authorization (the token belongs to the API origin)', async () => {
    const api = authbelt();
    await api(`${as.resource}/api`);
    await api(`${elsewhere.url}/x`);
    expect(elsewhere.seen[0]?.authorization).toBeUndefined();
  });

  it('@badgateway/oauth2-client OAuth2Fetch: the token is sent there too', async () => {
    const api = badgateway();
    await api(`${as.resource}/api`);
    await api(`${elsewhere.url}/x`);
    expect(elsewhere.seen[0]?.authorization).toMatch(/^Bearer /);
  });
});
