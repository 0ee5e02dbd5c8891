import { AuthBase, type AuthFlow, type AuthRequest } from '@authbelt/core';

/** Requests' TokenAuth: sets `X-TokenAuth` on every request, up front. */
export class TokenAuth extends AuthBase {
  constructor(private readonly token = 'tok') {
    super();
  }
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', this.token);
  }
}

/** Sends nothing first and answers a 401 once: every body has to be sent twice. */
export class ChallengeTokenAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    const response = yield request;
    if (response.status === 401) {
      request.headers.set('X-TokenAuth', 'tok');
      yield request;
    }
  }
}

/** Test-server routes: `/hop` redirects to `/token`, which wants `X-TokenAuth: tok`. */
export const tokenBehindHop = {
  '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
  '/hop': { redirect: { location: '/token' } },
} as const;
