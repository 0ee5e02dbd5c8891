import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyBasicAuth } from '@authbelt/basic';
import { authErrorOf } from '@authbelt/core';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosProxyConfig, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';

// Proxy credentials go only to a proxy the user named with axios's `proxy`
// option (DESIGN.md); everywhere else a proxy scheme sends nothing and says why.

let basicProxy: TestServer;
let digestProxy: TestServer;
let origin: TestServer;
// An origin server (not a proxy) that answers every request with a 407.
let fake407: Server;
let fake407Url: string;
const fake407Seen: IncomingHttpHeaders[] = [];
// A Unix socket whose connections go on to `origin` (for axios's socketPath).
const socketDir = mkdtempSync(join(tmpdir(), 'authbelt-axios-'));
const socketPath = join(socketDir, 'origin.sock');
let socketForwarder: NetServer;

const portOf = (server: TestServer) => Number(new URL(server.url).port);
/** An http agent whose every connection goes to `server` on 127.0.0.1, whatever host and port axios asks for. */
const agentTo = (server: TestServer, protocol = 'http:') => {
  const agent = new Agent();
  // Node's https.request takes an agent whose protocol is https:; this one speaks plain HTTP all the same.
  Object.assign(agent, { protocol, createConnection: () => connect(portOf(server), '127.0.0.1') });
  return agent;
};
const rejected = async (pending: Promise<AxiosResponse>): Promise<AxiosResponse | undefined> =>
  pending.then(
    () => undefined,
    (error: unknown) => (axios.isAxiosError(error) ? error.response : undefined),
  );

beforeAll(async () => {
  basicProxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  digestProxy = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
  origin = await startTestServer({ routes: { '/open': {} } });
  fake407 = createServer((req, res) => {
    fake407Seen.push(req.headers);
    res.writeHead(407, { 'proxy-authenticate': 'Basic realm="not a proxy"', 'content-length': '0' }).end();
  });
  await new Promise<void>((resolve) => fake407.listen(0, '127.0.0.1', resolve));
  fake407Url = `http://127.0.0.1:${(fake407.address() as AddressInfo).port}`;
  socketForwarder = createNetServer((client) => {
    const upstream = connect(portOf(origin), '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => socketForwarder.listen(socketPath, resolve));
});
afterAll(async () => {
  fake407.closeAllConnections();
  await Promise.all([
    basicProxy.close(),
    digestProxy.close(),
    origin.close(),
    new Promise((resolve) => fake407.close(resolve)),
    new Promise((resolve) => socketForwarder.close(resolve)),
  ]);
  rmSync(socketDir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const server of [basicProxy, digestProxy, origin]) server.reset();
  fake407Seen.length = 0;
});

describe('axios’s proxy option with the http adapter', () => {
  it('sends ProxyBasicAuth’s credentials to the proxy, in one request', async () => {
    const api = withAuth(
      axios.create({ adapter: 'http', proxy: { protocol: 'http', host: '127.0.0.1', port: portOf(basicProxy) } }),
      new ProxyBasicAuth('pu', 'pp'),
    );
    const response = await api.get(`${origin.url}/open?x=1`);
    expect(response.status).toBe(200);
    expect(basicProxy.requests).toHaveLength(1);
    expect(basicProxy.requests[0]).toMatchObject({ proxy: true, target: `${origin.url}/open?x=1`, status: 200 });
    expect(basicProxy.requests[0]?.headers['proxy-authorization']).toMatch(/^Basic /);
    expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it('answers ProxyDigestAuth’s 407 with the absolute-form uri the proxy reads (proxy without protocol)', async () => {
    const api = withAuth(
      axios.create({ adapter: 'http', proxy: { host: '127.0.0.1', port: portOf(digestProxy) } }),
      new ProxyDigestAuth('pu', 'pp'),
    );
    const response = await api.get(`${origin.url}/open?x=1`);
    expect(response.status).toBe(200);
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
    expect(digestProxy.requests[1]?.headers['proxy-authorization']).toContain(`uri="${origin.url}/open?x=1"`);
  });
});

describe.each(['http', 'fetch'] as const)('proxy schemes with no proxy named, %s adapter', (adapter) => {
  it('sends no Proxy-Authorization to the origin and says why (ERR_NO_PROXY)', async () => {
    const response = await withAuth(axios.create({ adapter }), new ProxyBasicAuth('pu', 'pp')).get(
      `${origin.url}/open`,
    );
    expect(response.status).toBe(200);
    expect(origin.requests).toHaveLength(1);
    expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  it('returns a 407 from an origin unanswered (ProxyBasicAuth and ProxyDigestAuth)', async () => {
    for (const auth of [new ProxyBasicAuth('pu', 'pp'), new ProxyDigestAuth('pu', 'pp')]) {
      const error = await withAuth(axios.create({ adapter }), auth)
        .get(`${fake407Url}/`)
        .catch((e: unknown) => e);
      if (adapter === 'fetch') {
        // Fetch makes every 407 a network error, with or without authbelt.
        expect(axios.isAxiosError(error) && error.code).toBe('ERR_NETWORK');
      } else {
        const response = axios.isAxiosError(error) ? error.response : undefined;
        expect(response?.status).toBe(407);
        expect(authErrorOf(response as object)?.code).toBe('ERR_NO_PROXY');
      }
    }
    expect(fake407Seen).toHaveLength(2);
    expect(fake407Seen.map((headers) => headers['proxy-authorization'])).toEqual([undefined, undefined]);
  });
});

describe('proxy schemes where axios does not send to the proxy named', () => {
  const named = () => ({ protocol: 'http', host: '127.0.0.1', port: portOf(basicProxy) });
  const http = axios.getAdapter('http');
  it.each<[string, () => AxiosRequestConfig]>([
    ['the fetch adapter ignores proxy', () => ({ adapter: 'fetch', proxy: named() })],
    // With socketPath axios connects to the socket; here, a socket an origin listens on.
    ['the http adapter skips it for socketPath', () => ({ adapter: 'http', proxy: named(), socketPath })],
    // axios reads HTTP_PROXY then (none here): no proxy named in code.
    ['a proxy: null', () => ({ adapter: 'http', proxy: null as never })],
    [
      'an adapter of your own, not known to send to it',
      () => ({ adapter: (c) => http({ ...c, proxy: false }), proxy: named() }),
    ],
  ])('%s: no Proxy-Authorization reaches the origin (ERR_NO_PROXY)', async (_name, config) => {
    const response = await withAuth(axios.create(config()), new ProxyBasicAuth('pu', 'pp')).get(`${origin.url}/open`);
    expect(response.status).toBe(200);
    expect(basicProxy.requests).toHaveLength(0);
    expect(origin.requests).toHaveLength(1);
    expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  describe('a proxy axios reads from HTTP_PROXY', () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    beforeEach(() => {
      process.env.HTTP_PROXY = basicProxy.url;
      process.env.NO_PROXY = '';
    });
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('is not one the user named: its 407 comes back unanswered, with ERR_NO_PROXY', async () => {
      const api = withAuth(axios.create({ adapter: 'http' }), new ProxyBasicAuth('pu', 'pp'));
      const response = await rejected(api.get(`${origin.url}/open`));
      expect(response?.status).toBe(407);
      expect(basicProxy.requests).toHaveLength(1);
      expect(basicProxy.requests[0]?.headers['proxy-authorization']).toBeUndefined();
      expect(authErrorOf(response as object)?.code).toBe('ERR_NO_PROXY');
    });
  });
});

describe('which proxy axios’s proxy option names', () => {
  it('takes a protocol written with its colon (http:), as axios does', async () => {
    const api = withAuth(
      axios.create({ adapter: 'http', proxy: { protocol: 'http:', host: '127.0.0.1', port: portOf(basicProxy) } }),
      new ProxyBasicAuth('pu', 'pp'),
    );
    const response = await api.get(`${origin.url}/open`);
    expect(response.status).toBe(200);
    expect(basicProxy.requests.map((r) => r.status)).toEqual([200]);
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('tells two proxies on one host apart by port: the second one’s first request carries nothing of the first', async () => {
    const second = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
    try {
      const auth = new ProxyDigestAuth('pu', 'pp');
      const through = (server: TestServer) =>
        withAuth(axios.create({ adapter: 'http', proxy: { host: '127.0.0.1', port: portOf(server) } }), auth);
      expect((await through(digestProxy).get(`${origin.url}/open`)).status).toBe(200);
      expect((await through(second).get(`${origin.url}/open`)).status).toBe(200);
      expect(second.requests.map((r) => [r.status, r.headers['proxy-authorization'] !== undefined])).toEqual([
        [407, false],
        [200, true],
      ]);
    } finally {
      await second.close();
    }
  });

  // The proxy named is reached through agentTo: nothing listens on ::1 or on port 80 here.
  it.each(['::1', '[::1]'])('takes an IPv6 proxy host written %s as the proxy named', async (host) => {
    const api = withAuth(
      axios.create({ adapter: 'http', httpAgent: agentTo(basicProxy), proxy: { host, port: 3128 } }),
      new ProxyBasicAuth('pu', 'pp'),
    );
    const response = await api.get(`${origin.url}/open`);
    expect(response.status).toBe(200);
    expect(authErrorOf(response)).toBeUndefined();
    expect(basicProxy.requests.map((r) => [r.status, r.headers['proxy-authorization'] !== undefined])).toEqual([
      [200, true],
    ]);
  });

  it('takes a proxy without host as none named: its 407 comes back unanswered, with ERR_NO_PROXY', async () => {
    // axios's http adapter goes to localhost then; agentTo takes it to the test proxy.
    const api = withAuth(
      axios.create({ adapter: 'http', httpAgent: agentTo(basicProxy), proxy: { port: 3128 } as AxiosProxyConfig }),
      new ProxyBasicAuth('pu', 'pp'),
    );
    const response = await rejected(api.get(`${origin.url}/open`));
    expect(response?.status).toBe(407);
    expect(basicProxy.requests.map((r) => r.headers['proxy-authorization'])).toEqual([undefined]);
    expect(authErrorOf(response as object)?.code).toBe('ERR_NO_PROXY');
  });

  it('takes a proxy written without a port and one on :80 as the same proxy: the second answers up front', async () => {
    const auth = new ProxyDigestAuth('pu', 'pp');
    // axios's types want a port; its http adapter goes to the protocol's default port without one.
    const through = (proxy: { host: string; port?: number }) =>
      withAuth(
        axios.create({ adapter: 'http', httpAgent: agentTo(digestProxy), proxy: proxy as AxiosProxyConfig }),
        auth,
      );
    expect((await through({ host: '127.0.0.1', port: 80 }).get(`${origin.url}/open`)).status).toBe(200);
    expect((await through({ host: '127.0.0.1' }).get(`${origin.url}/open`)).status).toBe(200);
    expect(digestProxy.requests.map((r) => [r.status, r.headers['proxy-authorization'] !== undefined])).toEqual([
      [407, false],
      [200, true],
      [200, true],
    ]);
  });

  it('tells two proxies on one host and port apart by protocol: the https one’s first request carries nothing of the http one', async () => {
    const auth = new ProxyDigestAuth('pu', 'pp');
    const through = (protocol: string) =>
      withAuth(
        axios.create({
          adapter: 'http',
          httpAgent: agentTo(digestProxy),
          httpsAgent: agentTo(digestProxy, 'https:'),
          proxy: { protocol, host: '127.0.0.1', port: 3128 },
        }),
        auth,
      );
    expect((await through('http').get(`${origin.url}/open`)).status).toBe(200);
    expect((await through('https').get(`${origin.url}/open`)).status).toBe(200);
    expect(digestProxy.requests.map((r) => [r.status, r.headers['proxy-authorization'] !== undefined])).toEqual([
      [407, false],
      [200, true],
      [407, false],
      [200, true],
    ]);
  });
});
