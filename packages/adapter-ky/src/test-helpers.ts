import { AuthBase, type AuthFlow, type AuthRequest } from '@authbelt/core';

/** Requests' TokenAuth: sets `X-TokenAuth: tok` on every request, up front. */
export class TokenAuth extends AuthBase {
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', 'tok');
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

/** Waits between its two legs longer than the client's timeout. */
export class SlowAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    yield request;
    await new Promise((resolve) => setTimeout(resolve, 300));
    request.headers.set('X-TokenAuth', 'tok');
    yield request;
  }
}

/** A fetch that counts its calls, for tests of which fetch sends each leg. */
export function countingFetch(): {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  calls: number;
} {
  const counter = {
    calls: 0,
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      counter.calls++;
      return fetch(input, init);
    },
  };
  return counter;
}
