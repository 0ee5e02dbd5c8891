import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2AuthOptions } from './options.js';

const BASE: OAuth2AuthOptions = { tokenEndpoint: 'https://auth.example.org/token', clientId: 'app', clientSecret: 's' };

const refusal = (given: Record<string, unknown>): unknown => {
  try {
    new OAuth2Auth({ ...BASE, ...given } as OAuth2AuthOptions);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('OAuth2Auth options: refused at construction with ERR_INVALID_ARGUMENT, naming the option and what it takes', () => {
  it.each([
    [{ issuer: 'ftp://auth.example.org', tokenEndpoint: undefined }, 'OAuth2Auth option issuer must be an http(s) URL'],
    [{ tokenEndpoint: 'not a url' }, 'OAuth2Auth option tokenEndpoint must be an http(s) URL'],
    [{ authorizationEndpoint: 'mailto:a@b' }, 'OAuth2Auth option authorizationEndpoint must be an http(s) URL'],
    [{ deviceAuthorizationEndpoint: 'x' }, 'OAuth2Auth option deviceAuthorizationEndpoint must be an http(s) URL'],
    [{ revocationEndpoint: 'x' }, 'OAuth2Auth option revocationEndpoint must be an http(s) URL'],
    [{ clientId: '' }, 'OAuth2Auth option clientId must be a non-empty string'],
    [{ clientSecret: 5 }, 'OAuth2Auth option clientSecret must be a non-empty string'],
    [
      { clientAuth: 'private_key_jwt' },
      "OAuth2Auth option clientAuth must be 'client_secret_basic', 'client_secret_post' or 'none'",
    ],
    [{ scope: [] }, 'OAuth2Auth option scope must be a string or an array of strings'],
    [{ scope: ['a', ''] }, 'OAuth2Auth option scope must be a string or an array of strings'],
    [{ scope: '' }, 'OAuth2Auth option scope must be a string or an array of strings'],
    [
      { resource: ['https://a.example/', 'b'] },
      'OAuth2Auth option resource must be an absolute URL or an array of them',
    ],
    [{ resource: 'https' }, 'OAuth2Auth option resource must be an absolute URL or an array of them'],
    [{ grant: 'password' }, "OAuth2Auth option grant must be 'client_credentials' or 'refresh_token'"],
    [{ tokens: [] }, 'OAuth2Auth option tokens must be an object'],
    [{ tokens: null }, 'OAuth2Auth option tokens must be an object'],
    [{ tokens: 'at' }, 'OAuth2Auth option tokens must be an object'],
    [{ onTokens: {} }, 'OAuth2Auth option onTokens must be a function'],
    [{ dpop: false }, 'OAuth2Auth option dpop must be true or a CryptoKeyPair'],
    [{ dpop: {} }, 'OAuth2Auth option dpop must be true or a CryptoKeyPair'],
    [{ dpop: null }, 'OAuth2Auth option dpop must be true or a CryptoKeyPair'],
    [{ fetch: 'fetch' }, 'OAuth2Auth option fetch must be a fetch function'],
    [{ renewBefore: -1 }, 'OAuth2Auth option renewBefore must be seconds ≥ 0'],
    [{ renewBefore: Number.NaN }, 'OAuth2Auth option renewBefore must be seconds ≥ 0'],
    [{ renewBefore: Number.POSITIVE_INFINITY }, 'OAuth2Auth option renewBefore must be seconds ≥ 0'],
    [{ renewBefore: '60' }, 'OAuth2Auth option renewBefore must be seconds ≥ 0'],
    [{ tokens: { accessToken: '' } }, 'OAuth2Auth tokens option accessToken must be a non-empty string'],
    [{ tokens: { refreshToken: 7 } }, 'OAuth2Auth tokens option refreshToken must be a non-empty string'],
    [{ tokens: { expiresAt: '2030' } }, 'OAuth2Auth tokens option expiresAt must be a Date or milliseconds'],
    [
      { tokens: { expiresAt: Number.POSITIVE_INFINITY } },
      'OAuth2Auth tokens option expiresAt must be a Date or milliseconds',
    ],
    [{ tokens: { tokenType: '' } }, 'OAuth2Auth tokens option tokenType must be a string'],
    [{ tokens: { scope: 1 } }, 'OAuth2Auth tokens option scope must be a string'],
    [{ tokens: { idToken: 'x' } }, /^OAuth2Auth tokens has no option "idToken"/],
    [{ clientId: undefined }, 'OAuth2Auth needs a clientId'],
    [{ issuer: 'https://auth.example.org' }, 'OAuth2Auth needs an issuer (discovery) or a tokenEndpoint, not both'],
    [{ tokenEndpoint: undefined }, 'OAuth2Auth needs an issuer (discovery) or a tokenEndpoint, not both'],
    [
      { clientSecret: undefined },
      "OAuth2Auth clientAuth client_secret_basic needs a clientSecret; use 'none' for a public client",
    ],
    [
      { clientSecret: undefined, clientAuth: 'client_secret_post' },
      "OAuth2Auth clientAuth client_secret_post needs a clientSecret; use 'none' for a public client",
    ],
    [{ grant: 'refresh_token' }, "OAuth2Auth grant 'refresh_token' needs tokens.refreshToken"],
  ])('refuses options (case %#): %s', (given, message) => {
    const error = refusal(given);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it('refuses no options at all', () => {
    expect(() => new OAuth2Auth(undefined as unknown as OAuth2AuthOptions)).toThrow('OAuth2Auth needs a clientId');
  });

  it.each([
    [{ issuer: 'http://127.0.0.1:9', tokenEndpoint: undefined }],
    [{ scope: ['a', 'b'], resource: ['https://a.example/', 'https://b.example/'] }],
    [{ scope: 'a' }],
    [{ resource: 'https://a.example/' }],
    [{ clientAuth: 'none', clientSecret: undefined }],
    [{ clientAuth: 'client_secret_post' }],
    [{ grant: 'client_credentials', tokens: { refreshToken: 'r' } }],
    [{ grant: 'refresh_token', tokens: { refreshToken: 'r' } }],
    [{ tokens: { accessToken: 'a', expiresAt: new Date(), tokenType: 'DPoP', scope: '' } }],
    [{ tokens: { expiresAt: 0 } }],
    [{ renewBefore: 0, onTokens: () => {}, fetch, dpop: true }],
  ])('takes options (case %#)', (given) => {
    expect(refusal(given)).toBeUndefined();
  });
});

describe('authorizationUrl options: refused with ERR_INVALID_ARGUMENT, naming the option and what it takes', () => {
  it.each([
    [{ redirectUri: 'not a url' }, 'authorizationUrl option redirectUri must be an http(s) URL'],
    [
      { redirectUri: 'http://127.0.0.1/cb', scope: [] },
      'authorizationUrl option scope must be a string or an array of strings',
    ],
    [
      { redirectUri: 'http://127.0.0.1/cb', parameters: 'prompt=login' },
      'authorizationUrl option parameters must be an object',
    ],
    [{ redirectUri: 'http://127.0.0.1/cb', parameters: null }, 'authorizationUrl option parameters must be an object'],
  ])('refuses options (case %#): %s', async (given, message) => {
    const auth = new OAuth2Auth({ ...BASE, authorizationEndpoint: 'https://auth.example.org/authorize' });
    const error = await auth
      .authorizationUrl(given as Parameters<OAuth2Auth['authorizationUrl']>[0])
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe(message);
  });
});
