// A 407 from what is not a proxy the adapter knows is not answered (DESIGN.md:
// proxy credentials go only to a configured proxy), and the caller is told
// why, also when the scheme sent nothing before it (no Proxy-Authorization held back).
import { describe, expect, it } from 'vitest';
import { AuthBase } from './auth-base.js';
import { authErrorOf, authenticate, type Transport } from './driver.js';
import type { AuthFlow, AuthRequest, AuthResponse } from './types.js';

/** Sends the request bare, and would answer a 407 with Proxy-Authorization. */
class AnswersProxyChallenges extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    const response = yield request;
    if (response.status === 407) {
      request.headers.set('proxy-authorization', 'Answer');
      yield request;
    }
  }
}

describe('a 407 from no known proxy', () => {
  it('is returned after one bare request, with ERR_NO_PROXY saying the 407 was not answered', async () => {
    const sent: AuthRequest[] = [];
    const transport: Transport<AuthResponse> = {
      send: async (request) => {
        sent.push(request);
        return { status: 407, url: request.url, headers: new Headers({ 'proxy-authenticate': 'Basic realm="x"' }) };
      },
      view: (response) => response,
      discard: async () => {},
    };
    const request: AuthRequest = { method: 'GET', url: 'http://a.test/x', headers: new Headers() };
    const response = await authenticate(new AnswersProxyChallenges(), request, transport);
    expect(response.status).toBe(407);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.has('proxy-authorization')).toBe(false);
    const reason = authErrorOf(response);
    expect(reason?.code).toBe('ERR_NO_PROXY');
    expect(reason?.message).toMatch(/^407 not answered: /);
  });
});
