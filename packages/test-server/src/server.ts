import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { checkBasic } from './basic.js';
import { type BearerControl, BearerMode, type BearerModeOptions } from './bearer.js';
import { DigestGuard, type DigestVerdict } from './digest.js';
import type {
  ProxyOptions,
  RecordedRequest,
  RouteOptions,
  RouteStats,
  TestServer,
  TestServerOptions,
} from './options.js';
import { parseAuthorization } from './parse.js';
import { loopbackCertificate } from './tls.js';

const PROXY_ROUTE = '*proxy*';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const emptyStats = (): RouteStats => ({
  requests: 0,
  challenges: 0,
  authFailures: 0,
  authSuccesses: 0,
  replays: 0,
  stale: 0,
});

function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function headersOf(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    if (value === undefined) continue;
    out[name] = value.length === 1 ? (value[0] as string) : value;
  }
  return out;
}

interface Guard {
  /** Challenge lines for the 401/407. */
  challenges(stale: boolean): string[];
  /** Hand-written challenge lines with `{nonce}` and `{opaque}` filled in with values this guard accepts. */
  fill(lines: string[]): string[];
  check(req: IncomingMessage, header: string | undefined, target: string, body: Uint8Array): DigestVerdict;
}

function guardFor(kind: RouteOptions['auth'], options: RouteOptions | ProxyOptions): Guard | undefined {
  const realm = options.realm ?? 'authbelt-test';
  const users = options.users ?? {};
  if (kind === 'basic') {
    const charset = 'charset' in options && options.charset ? `, charset="${options.charset}"` : '';
    const latin1 = 'latin1' in options && options.latin1 === true;
    return {
      challenges: () => [`Basic realm="${realm}"${charset}`],
      fill: (lines) => lines,
      check: (_req, header) => {
        const user = header === undefined ? undefined : checkBasic(parseAuthorization(header), users, latin1);
        return user === undefined ? { kind: 'fail', reason: 'basic' } : { kind: 'ok', user };
      },
    };
  }
  if (kind === 'digest') {
    const digest = new DigestGuard(realm, users, options);
    return {
      challenges: (stale) => digest.challenges(stale),
      fill: (lines) => {
        const nonce = digest.issueNonce();
        return lines.map((line) => line.replaceAll('{nonce}', nonce).replaceAll('{opaque}', digest.opaque ?? ''));
      },
      check: (req, header, target, body) =>
        header === undefined
          ? { kind: 'fail', reason: 'none' }
          : digest.verify(parseAuthorization(header), req.method ?? 'GET', target, body),
    };
  }
  if (kind === 'header' && 'header' in options && options.header) {
    const { name, value } = options.header;
    return {
      challenges: () => [`Token realm="${realm}"`],
      fill: (lines) => lines,
      check: (req) =>
        req.headers[name.toLowerCase()] === value ? { kind: 'ok', user: name } : { kind: 'fail', reason: 'header' },
    };
  }
  return undefined;
}

/**
 * Start a strict RFC 7617 / RFC 7616 server on 127.0.0.1, port 0.
 *
 * @example
 * ```ts
 * const server = await startTestServer({ routes: { '/basic': { auth: 'basic', realm: 'r', users: { u: 'p' } } } });
 * await server.close();
 * ```
 */
export async function startTestServer(
  options: TestServerOptions & { bearer?: BearerModeOptions } = {},
): Promise<TestServer & { bearer: BearerControl }> {
  const bearer = new BearerMode(options.bearer);
  const routes = new Map<string, { options: RouteOptions; guard: Guard | undefined }>();
  // Paths given the same options object are one protection space with one
  // guard (one set of nonces), as a server protecting a directory has.
  const shared = new Map<RouteOptions, Guard | undefined>();
  for (const [path, route] of Object.entries(options.routes ?? {})) {
    const kind = route.auth ?? 'none';
    const guard = kind === 'none' ? undefined : shared.has(route) ? shared.get(route) : guardFor(kind, route);
    shared.set(route, guard);
    if (kind !== 'none' && guard === undefined) throw new Error(`route ${path}: auth ${kind} needs its options`);
    routes.set(path, { options: route, guard });
  }
  const proxyGuard = options.proxy ? guardFor(options.proxy.auth, options.proxy) : undefined;
  const stats = new Map<string, RouteStats>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const statsOf = (key: string): RouteStats => {
    let s = stats.get(key);
    if (!s) {
      s = emptyStats();
      stats.set(key, s);
    }
    return s;
  };

  /** Apply a guard to a request: on failure, answer with the challenge and return undefined. */
  const authorize = (
    guard: Guard,
    key: string,
    req: IncomingMessage,
    header: string | undefined,
    target: string,
    body: Uint8Array,
    reject: (status: number, challenges: string[], stale: boolean) => void,
    status: number,
    forceFail = false,
  ): DigestVerdict | undefined => {
    const counters = statsOf(key);
    const verdict = guard.check(req, header, target, body);
    if (verdict.kind === 'ok' && !forceFail) {
      counters.authSuccesses++;
      return verdict;
    }
    if (header !== undefined) counters.authFailures++;
    if (verdict.kind === 'replay') counters.replays++;
    const stale = verdict.kind === 'stale' && !forceFail;
    if (stale) counters.stale++;
    counters.challenges++;
    reject(status, guard.challenges(stale), stale);
    return undefined;
  };

  const handleOrigin = async (req: IncomingMessage, res: ServerResponse, body: Uint8Array): Promise<void> => {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      target,
      path: url.pathname,
      headers: headersOf(req),
      body,
      status: 0,
    };
    requests.push(record);
    // Bearer mode's login endpoint and protected paths (bearer.ts).
    const bearerVerdict = bearer.check(record.method, url.pathname, req.headers.authorization, body);
    const route =
      routes.get(url.pathname) ?? (bearerVerdict === undefined ? undefined : { options: {}, guard: undefined });
    const finish = (status: number, headers: Record<string, string | string[]>, payload: string) => {
      record.status = status;
      res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(payload) });
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    if (!route) {
      statsOf('*unknown*').requests++;
      finish(404, { 'content-type': 'text/plain' }, 'no such route\n');
      return;
    }
    record.route = url.pathname;
    statsOf(url.pathname).requests++;
    if (bearerVerdict?.kind === 'answer') {
      if (bearerVerdict.headers['www-authenticate'] !== undefined) statsOf(url.pathname).challenges++;
      finish(bearerVerdict.status, bearerVerdict.headers, bearerVerdict.payload);
      return;
    }
    let user: string | undefined = bearerVerdict?.user;
    if (user !== undefined) record.user = user;
    let authInfo: string | undefined;
    const guard = route.guard;
    if (guard) {
      const verdict = authorize(
        guard,
        url.pathname,
        req,
        (route.options.auth === 'header'
          ? req.headers[route.options.header?.name.toLowerCase() ?? '']
          : req.headers.authorization) as string | undefined,
        target,
        body,
        (status, challenges) => {
          const headers: Record<string, string | string[]> = {
            'www-authenticate': route.options.challenges ? guard.fill(route.options.challenges) : challenges,
            'content-type': 'text/plain',
          };
          if (route.options.setCookieOn401) headers['set-cookie'] = route.options.setCookieOn401;
          if (route.options.endless401) {
            // A server that stalls mid-body: chunked, never ended (close() destroys the socket).
            record.status = status;
            res.writeHead(status, headers).write('authentication required\n');
            return;
          }
          finish(status, headers, 'authentication required\n');
        },
        401,
        route.options.alwaysUnauthorized === true,
      );
      if (!verdict || verdict.kind !== 'ok') return;
      user = verdict.user;
      authInfo = verdict.authInfo;
      record.user = user;
    }
    const headers: Record<string, string> = {};
    if (authInfo) headers['authentication-info'] = authInfo;
    if (route.options.redirect) {
      headers.location = route.options.redirect.location;
      finish(route.options.redirect.status ?? 302, headers, 'redirecting\n');
      return;
    }
    headers['content-type'] = 'application/json';
    finish(
      route.options.status ?? 200,
      headers,
      JSON.stringify({
        authenticated: route.guard !== undefined || bearerVerdict !== undefined,
        user: user ?? null,
        method: record.method,
        path: record.path,
        target,
        bodyBase64: Buffer.from(body).toString('base64'),
        bodyLength: body.byteLength,
        bodySha256: createHash('sha256').update(body).digest('hex'),
        headers: record.headers,
      }),
    );
  };

  const handleProxy = async (req: IncomingMessage, res: ServerResponse, body: Uint8Array): Promise<void> => {
    const target = req.url ?? '';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      target,
      path: '',
      headers: headersOf(req),
      body,
      status: 0,
      proxy: true,
      route: PROXY_ROUTE,
    };
    requests.push(record);
    statsOf(PROXY_ROUTE).requests++;
    let url: URL;
    try {
      url = new URL(target);
      record.path = url.pathname;
    } catch {
      record.status = 400;
      res.writeHead(400).end('bad request-target\n');
      return;
    }
    if (!proxyGuard) {
      record.status = 403;
      res.writeHead(403).end('not a proxy\n');
      return;
    }
    if (options.proxy?.earlyHints) res.writeEarlyHints({ link: '</hint.css>; rel=preload; as=style' });
    const verdict = authorize(
      proxyGuard,
      PROXY_ROUTE,
      req,
      req.headers['proxy-authorization'],
      target,
      body,
      (status, challenges) => {
        record.status = status;
        res.writeHead(status, { 'proxy-authenticate': challenges, 'content-type': 'text/plain' });
        // A proxy that stalls mid-body: chunked, never ended (close() destroys the socket).
        if (options.proxy?.endless407) res.write('proxy authentication required\n');
        else res.end('proxy authentication required\n');
      },
      407,
    );
    if (!verdict) return;
    if (verdict.kind === 'ok') record.user = verdict.user;
    if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) {
      record.status = 403;
      res.writeHead(403).end('this proxy forwards to loopback only\n');
      return;
    }
    const forwardHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headersOf(req))) if (!HOP_BY_HOP.has(name)) forwardHeaders[name] = value;
    forwardHeaders['content-length'] = String(body.byteLength);
    const upstream = http.request({
      host: url.hostname,
      port: url.port || 80,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: forwardHeaders,
    });
    upstream.end(body);
    try {
      const [answer] = (await once(upstream, 'response')) as [IncomingMessage];
      record.status = answer.statusCode ?? 502;
      const back: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(headersOf(answer))) if (!HOP_BY_HOP.has(name)) back[name] = value;
      const payload = await readBody(answer);
      back['content-length'] = String(payload.byteLength);
      if (options.proxy?.failMidBody) {
        // The first half once written, then the connection gone: the client sees a body that stops short.
        res
          .writeHead(record.status, back)
          .write(payload.subarray(0, payload.byteLength >> 1), () => res.socket?.destroy());
        return;
      }
      res.writeHead(record.status, back).end(payload);
    } catch {
      record.status = 502;
      res.writeHead(502).end('upstream failed\n');
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req)
      .then((body) => (req.url?.startsWith('/') ? handleOrigin(req, res, body) : handleProxy(req, res, body)))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };

  const onConnect = (req: IncomingMessage, client: Socket, head: Buffer): void => {
    const target = req.url ?? '';
    const record: RecordedRequest = {
      method: 'CONNECT',
      target,
      path: '',
      headers: headersOf(req),
      body: new Uint8Array(),
      status: 0,
      proxy: true,
      route: PROXY_ROUTE,
    };
    requests.push(record);
    statsOf(PROXY_ROUTE).requests++;
    client.on('error', () => {});
    const refuse = (status: number, reason: string, extra = '') => {
      record.status = status;
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (!proxyGuard) {
      refuse(403, 'Forbidden');
      return;
    }
    if (options.proxy?.connectRedirect !== undefined) {
      refuse(302, 'Found', `Location: ${options.proxy.connectRedirect}\r\n`);
      return;
    }
    const verdict = authorize(
      proxyGuard,
      PROXY_ROUTE,
      req,
      req.headers['proxy-authorization'],
      target,
      new Uint8Array(),
      (status, challenges) => {
        const lines = challenges.map((line) => `Proxy-Authenticate: ${line}\r\n`).join('');
        if (!options.proxy?.connect407KeepAlive) {
          refuse(status, 'Proxy Authentication Required', lines);
          return;
        }
        // The connection stays open: only the client closing it ends it.
        record.status = status;
        client.once('end', () => client.end());
        client.write(`HTTP/1.1 ${status} Proxy Authentication Required\r\n${lines}Content-Length: 0\r\n\r\n`);
      },
      407,
    );
    if (!verdict) return;
    if (verdict.kind === 'ok') record.user = verdict.user;
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
    if (!match || !isLoopbackHost(match[1] as string)) {
      refuse(403, 'Forbidden');
      return;
    }
    const upstream = net.connect(Number(match[2]), (match[1] as string).replace(/^\[|\]$/g, ''), () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (record.status === 0) refuse(502, 'Bad Gateway');
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  };

  let ca: string | undefined;
  let server: http.Server;
  if (options.tls) {
    const { key, cert } = loopbackCertificate();
    ca = cert;
    server = https.createServer({ key, cert }, onRequest);
  } else {
    server = http.createServer(onRequest);
  }
  server.on('connect', onConnect);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on(options.tls ? 'secureConnection' : 'connection', track);
  if (options.tls) server.on('connection', (socket: Socket) => socket.on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;

  const result: TestServer & { bearer: BearerControl } = {
    bearer: bearer.control,
    url: origin,
    origin,
    port: address.port,
    requests,
    stats(path?: string): RouteStats {
      if (path !== undefined) return { ...statsOf(path) };
      const total = emptyStats();
      for (const s of stats.values()) for (const k of Object.keys(total) as (keyof RouteStats)[]) total[k] += s[k];
      return total;
    },
    reset(): void {
      stats.clear();
      requests.length = 0;
      bearer.reset();
    },
    openSockets(): number {
      return sockets.size;
    },
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  if (ca !== undefined) result.ca = ca;
  return result;
}
