import { isAuthError } from '@authbelt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import { json, type ScriptServer, startScriptServer } from './script-server.test-helper.js';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(async () => {
  await server.close();
});

const auth = () =>
  new OAuth2Auth({
    tokenEndpoint: `${server.url}/token`,
    deviceAuthorizationEndpoint: `${server.url}/device`,
    clientId: 'tv',
    clientAuth: 'none',
  });

const DEVICE = {
  device_code: 'dc-1',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://example.org/device',
  interval: 1,
};

/** A device endpoint, then the token endpoint answering `polls` in order. */
function script(polls: Array<Record<string, unknown>>, device: Record<string, unknown> = DEVICE) {
  let poll = 0;
  server.answer((request) => {
    if (request.path === '/device') return json(200, { expires_in: 600, ...device });
    const next = polls[Math.min(poll++, polls.length - 1)] as Record<string, unknown>;
    return 'error' in next ? json(400, next) : json(200, next);
  });
}
const polls = () =>
  server.seen.filter((r) => r.path === '/token').map((r) => new URLSearchParams(r.body).get('grant_type'));

/** What the polling ends with when the caller aborts `ms` after the user code is shown. */
const abortedAfter = (ms: number): Promise<Error> => {
  const controller = new AbortController();
  return auth()
    .deviceAuthorization({
      onUserCode: () => {
        setTimeout(() => controller.abort(new Error('cancelled')), ms);
      },
      signal: controller.signal,
    })
    .then(
      () => new Error('not aborted'),
      (e: unknown) => e as Error,
    );
};

describe('device authorization (RFC 8628) against a scripted server', () => {
  it('hands over the user code, keeps polling through authorization_pending and slow_down, then holds the tokens', async () => {
    script([
      { error: 'authorization_pending' },
      { error: 'slow_down' },
      { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' },
    ]);
    const shown: unknown[] = [];
    const tokens = await auth().deviceAuthorization({ onUserCode: (code) => void shown.push(code) });
    expect(shown).toEqual([
      {
        userCode: 'WDJB-MJHT',
        verificationUri: 'https://example.org/device',
        verificationUriComplete: undefined,
        expiresIn: 600,
      },
    ]);
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt' });
    expect(polls()).toEqual(Array(3).fill('urn:ietf:params:oauth:grant-type:device_code'));
  }, 20_000);

  it.each([
    ['expired_token', 'ERR_OAUTH_ERROR', 'answered the device code with 400 expired_token'],
    ['access_denied', 'ERR_OAUTH_ERROR', 'answered the device code with 400 access_denied'],
    ['invalid_grant', 'ERR_INVALID_GRANT', 'refused the device code (invalid_grant): sign in again'],
  ])('%s ends the polling: %s after one poll', async (error, code, message) => {
    script([{ error }]);
    const failure = await auth()
      .deviceAuthorization({ onUserCode: () => {} })
      .catch((e: unknown) => e);
    expect(isAuthError(failure) && failure.code).toBe(code);
    expect((failure as Error).message).toBe(`The authorization server ${message}`);
    expect(String(failure)).not.toContain('dc-1');
    expect(polls()).toHaveLength(1);
  });

  it('an AbortSignal stops the polling with its reason', async () => {
    script([{ error: 'authorization_pending' }]);
    expect((await abortedAfter(1500)).message).toBe('cancelled');
    expect(polls()).toHaveLength(1);
  });

  it('an abort during a ten-minute wait between polls ends it at once, before any poll', async () => {
    script([{ error: 'authorization_pending' }], { ...DEVICE, interval: 600 });
    expect((await abortedAfter(50)).message).toBe('cancelled');
    expect(polls()).toHaveLength(0);
  });

  it('slow_down: the next poll waits 5 seconds more, so none comes a second after it', async () => {
    script([{ error: 'slow_down' }]);
    expect((await abortedAfter(2000)).message).toBe('cancelled');
    expect(polls()).toHaveLength(1);
  });

  it('the device authorization request and each poll go through fetch with the caller’s signal', async () => {
    script([{ error: 'authorization_pending' }, { access_token: 'at', token_type: 'Bearer' }]);
    const signals: unknown[] = [];
    const controller = new AbortController();
    const watched = new OAuth2Auth({
      tokenEndpoint: `${server.url}/token`,
      deviceAuthorizationEndpoint: `${server.url}/device`,
      clientId: 'tv',
      clientAuth: 'none',
      fetch: (input, init) => {
        signals.push(init?.signal);
        return fetch(input, init);
      },
    });
    await watched.deviceAuthorization({ onUserCode: () => {}, signal: controller.signal });
    expect(signals).toHaveLength(3);
    for (const signal of signals) expect(signal).toBe(controller.signal);
  });

  it('needs onUserCode', async () => {
    const failure = await auth()
      .deviceAuthorization({} as never)
      .catch((e: unknown) => e);
    expect(isAuthError(failure) && failure.code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('device authorization: before any polling', () => {
  it.each([
    [{ onUserCode: 'show' }, 'deviceAuthorization option onUserCode must be a function'],
    [{ onUserCode: () => {}, signal: {} }, 'deviceAuthorization option signal must be an AbortSignal'],
    [{ onUserCode: () => {}, scope: [] }, 'deviceAuthorization option scope must be a string or an array of strings'],
    [{}, 'deviceAuthorization needs onUserCode'],
    [undefined, 'deviceAuthorization needs onUserCode'],
  ])('refuses options (case %#): %s', async (given, message) => {
    server.answer(() => ({ status: 500 }));
    const failure = await auth()
      .deviceAuthorization(given as never)
      .catch((e: unknown) => e);
    expect(isAuthError(failure) && failure.code).toBe('ERR_INVALID_ARGUMENT');
    expect((failure as Error).message).toBe(message);
    expect(server.seen).toHaveLength(0);
  });

  it('an aborted signal: its reason, nothing sent', async () => {
    script([{ error: 'authorization_pending' }]);
    const failure = await auth()
      .deviceAuthorization({ onUserCode: () => {}, signal: AbortSignal.abort(new Error('gone')) })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe('gone');
    expect(server.seen).toHaveLength(0);
  });

  it('sends the scope asked for, hands over the complete verification URI, and reports a refused request', async () => {
    server.answer(() => json(400, { error: 'invalid_scope' }));
    const failure = await auth()
      .deviceAuthorization({ onUserCode: () => {}, scope: ['tv', 'profile'] })
      .catch((e: unknown) => e);
    expect(isAuthError(failure) && failure.code).toBe('ERR_OAUTH_ERROR');
    expect((failure as Error).message).toBe(
      'The authorization server answered the device authorization request with 400 invalid_scope',
    );
    expect(new URLSearchParams(server.seen[0]?.body).get('scope')).toBe('tv profile');
    expect(new URLSearchParams(server.seen[0]?.body).get('client_id')).toBe('tv');
  });

  it('a device code that expires before the first poll: ERR_OAUTH_ERROR expired_token, no poll', async () => {
    script([{ error: 'authorization_pending' }], { ...DEVICE, expires_in: 0.5 });
    const shown: unknown[] = [];
    const failure = await auth()
      .deviceAuthorization({
        onUserCode: (code) => {
          shown.push(code);
        },
      })
      .catch((e: unknown) => e);
    // expires_in half a second with interval 1: the deadline has passed when the first poll is due (with
    // expires_in 1 it would be a race between the timer and the clock).
    expect(shown).toHaveLength(1);
    expect(isAuthError(failure) && failure.code).toBe('ERR_OAUTH_ERROR');
    expect((failure as Error).message).toBe('The device code expired before the user approved (expired_token)');
    expect(polls()).toHaveLength(0);
  });

  it('hands over the complete verification URI when the server gives one, and stops at once when aborted there', async () => {
    // An interval of ten minutes: stopping "at once" is stopping before the first poll is due.
    script([{ error: 'authorization_pending' }], {
      ...DEVICE,
      interval: 600,
      verification_uri_complete: 'https://example.org/device?user_code=WDJB-MJHT',
    });
    const controller = new AbortController();
    const shown: unknown[] = [];
    const failure = await auth()
      .deviceAuthorization({
        onUserCode: (code) => {
          shown.push(code);
          controller.abort(new Error('not now'));
        },
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    expect(shown).toEqual([
      {
        userCode: 'WDJB-MJHT',
        verificationUri: 'https://example.org/device',
        verificationUriComplete: 'https://example.org/device?user_code=WDJB-MJHT',
        expiresIn: 600,
      },
    ]);
    expect((failure as Error).message).toBe('not now');
    expect(polls()).toHaveLength(0);
  });
});
