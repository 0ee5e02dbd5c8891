/**
 * Firefox's Request has no `body` property (it reads undefined): run `fn`
 * with Node's Request made so, for client tests that a Request's body is
 * read through a copy and a GET gets none. fetch itself reads its own
 * internal body, not this getter. The Firefox row of `pnpm test:runtimes`
 * runs the same clients on a real Firefox.
 */
export async function asInFirefox<T>(fn: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(Request.prototype, 'body');
  Object.defineProperty(Request.prototype, 'body', { configurable: true, get: () => undefined });
  try {
    return await fn();
  } finally {
    if (own) Object.defineProperty(Request.prototype, 'body', own);
  }
}
