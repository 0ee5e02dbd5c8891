import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAuthError } from '@authbelt/core';
import { afterAll, beforeAll } from 'vitest';
import type { OAuth2AuthOptions } from './options.js';

/** One request as the scripted server saw it. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the script answers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ScriptServer {
  readonly url: string;
  readonly seen: Seen[];
  /** Replace the script. */
  answer(script: (request: Seen, index: number) => Answer): void;
  close(): Promise<void>;
}

/** JSON answer helper. */
export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(value),
});

/**
 * A loopback HTTP server that answers as a test scripts it: a token
 * endpoint or an API that misbehaves on purpose. Counts what it saw.
 */
export async function startScriptServer(): Promise<ScriptServer> {
  const seen: Seen[] = [];
  let script: (request: Seen, index: number) => Answer = () => ({ status: 404 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      const answer = script(entry, seen.length - 1);
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    answer(next) {
      script = next;
      seen.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A script server for one test file: started before its tests (handed to `started`), closed after them. */
export function serveScripts(started: (server: ScriptServer) => void): void {
  let server: ScriptServer | undefined;
  beforeAll(async () => {
    server = await startScriptServer();
    started(server);
  });
  afterAll(async () => {
    await server?.close();
  });
}

/** Options to change, `undefined` to leave one out. */
export type OptionChanges = { [K in keyof OAuth2AuthOptions]?: OAuth2AuthOptions[K] | undefined };

/** Options for the confidential client `app` (client_secret_basic with `secret`) at `server`'s `/token`. */
export const clientOptions = (server: ScriptServer, secret: string, extra: OptionChanges = {}): OAuth2AuthOptions =>
  ({ tokenEndpoint: `${server.url}/token`, clientId: 'app', clientSecret: secret, ...extra }) as OAuth2AuthOptions;

/** An AuthError's code, or the value itself. */
export const codeOf = (error: unknown): unknown => (isAuthError(error) ? error.code : error);

/** What `promise` rejects with (undefined when it fulfils). */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A request's form-urlencoded body. */
export const form = (request: Seen | undefined): URLSearchParams => new URLSearchParams(request?.body);
