import { isAuthError } from '@authbelt/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiKeyAuth } from './api-key-auth.js';
import { BearerAuth } from './bearer-auth.js';
import { holdToken, jwtExpiry } from './token.js';

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const anyText = fc.string({ unit: 'grapheme-composite', maxLength: 40 });
const b64 = fc.string({ unit: fc.constantFrom(...'AZaz09-._~+/=\r\n\0 ü'), maxLength: 24 });

const outcome = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return isAuthError(error) ? error.code : `not an AuthError: ${String(error)}`;
  }
};

describe('token and key checks (property)', () => {
  it('a Bearer token is accepted exactly when it is an RFC 6750 b64token, else ERR_INVALID_CREDENTIALS', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, b64), (token) => {
        expect(outcome(() => new BearerAuth(token))).toBe(B64TOKEN.test(token) ? 'ok' : 'ERR_INVALID_CREDENTIALS');
      }),
    );
  });

  it('a header key is accepted or refused with ERR_INVALID_CREDENTIALS, never with anything else', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, b64), (key) => {
        const result = outcome(() => new ApiKeyAuth(key, { header: 'X-API-Key' }));
        expect(['ok', 'ERR_INVALID_CREDENTIALS']).toContain(result);
        if (result === 'ok') expect(() => new Headers({ 'x-api-key': key })).not.toThrow();
      }),
    );
  });

  it('a query key and name go into the URL and parse back to themselves, the other parameters as written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 16 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        async (key, name) => {
          let auth: ApiKeyAuth;
          try {
            auth = new ApiKeyAuth(key, { query: name });
          } catch (error) {
            // Only a lone surrogate has no UTF-8 to send.
            expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
            return;
          }
          const request = { method: 'GET', url: 'https://a.test/p?x=1%202&y', headers: new Headers() };
          await auth.flow(request).next();
          const url = new URL(request.url);
          expect(url.searchParams.getAll(name)).toEqual([key]);
          if (name !== 'x' && name !== 'y') expect(url.search.startsWith('?x=1%202&y&')).toBe(true);
        },
      ),
    );
  });

  it('jwtExpiry never throws and reads only numeric exp claims', () => {
    fc.assert(
      fc.property(anyText, fc.jsonValue(), (text, claims) => {
        expect(() => jwtExpiry(text)).not.toThrow();
        const payload = btoa(unescape(encodeURIComponent(JSON.stringify(claims) ?? 'null')))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
        const exp = (claims as { exp?: unknown } | null)?.exp;
        const expected = typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
        expect(jwtExpiry(`eyJhbGciOiJub25lIn0.${payload}.c2ln`)).toBe(expected);
      }),
    );
  });

  it('what a provider returns is held or refused with an AuthError, never a crash', () => {
    fc.assert(
      fc.property(fc.anything(), (provided) => {
        const result = outcome(() => holdToken(provided, 60_000));
        expect(['ok', 'ERR_INVALID_CREDENTIALS', 'ERR_TOKEN_PROVIDER']).toContain(result);
      }),
    );
  });
});
