import { readFileSync } from 'node:fs';
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { isTokenRejection } from './challenge.js';

interface BearerVector {
  source: string;
  status: number;
  header: string;
  renew: boolean;
}
const vectors: BearerVector[] = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/bearer.json', import.meta.url), 'utf8'),
).cases;

describe('isTokenRejection', () => {
  it.each(vectors)('$source: renew $renew', ({ status, header, renew }) => {
    const headers = new Headers({ 'www-authenticate': header });
    expect(isTokenRejection({ status, url: 'https://api.test/', headers })).toBe(renew);
  });

  it('never renews on a 401 without a challenge, or on a Bearer challenge with another status', () => {
    expect(isTokenRejection({ status: 401, url: 'https://api.test/', headers: new Headers() })).toBe(false);
    const headers = new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' });
    expect(isTokenRejection({ status: 403, url: 'https://api.test/', headers })).toBe(false);
  });

  it.each([
    ['DPoP error="invalid_token"', true],
    ['Basic realm="a", Bearer error="invalid_token"', true],
    ['Bearer error="invalid_request", DPoP error="use_dpop_nonce"', false],
    ['Bearer error="invalid_tokens"', false],
  ])('401 %s: renew %s', (header, renew) => {
    const headers = new Headers({ 'www-authenticate': header });
    expect(isTokenRejection({ status: 401, url: 'https://api.test/', headers })).toBe(renew);
  });

  it('a malformed challenge throws ERR_CHALLENGE_SYNTAX', () => {
    const headers = new Headers({ 'www-authenticate': 'Bearer error="invalid_token' });
    let error: unknown;
    try {
      isTokenRejection({ status: 401, url: 'https://api.test/', headers });
    } catch (e) {
      error = e;
    }
    expect(isAuthError(error) && error.code).toBe('ERR_CHALLENGE_SYNTAX');
  });
});
