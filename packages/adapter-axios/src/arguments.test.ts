import { AuthBase, isAuthError } from '@authbelt/core';
import axios, { type AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { withAuth } from './index.js';

// withAuth refuses at once, with ERR_INVALID_ARGUMENT and a message naming
// the argument, what is not an axios instance or a scheme.

class NoAuth extends AuthBase {}

const refusal = (make: () => unknown): string | undefined => {
  try {
    make();
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return undefined;
};

describe('withAuth’s arguments', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'axios'],
    ['an object without interceptors', {}],
    ['an object whose interceptors have no request', { interceptors: {} }],
  ])('refuses %s for the instance', (_name, instance) => {
    expect(refusal(() => withAuth(instance as AxiosInstance, new NoAuth()))).toBe(
      'ERR_INVALID_ARGUMENT: withAuth needs an axios instance as its first argument',
    );
  });

  it('takes any object carrying axios’s request interceptors', () => {
    const target = { interceptors: axios.create().interceptors } as AxiosInstance;
    expect(withAuth(target, new NoAuth())).toBe(target);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'auth'],
    ['a function with a flow property', Object.assign(() => {}, { flow: () => {} })],
    ['an object without flow', {}],
  ])('refuses %s for the scheme', (_name, auth) => {
    expect(refusal(() => withAuth(axios.create(), auth as AuthBase))).toBe(
      'ERR_INVALID_ARGUMENT: withAuth needs an AuthBase as its second argument',
    );
  });

  it.each([
    { redirects: 'authbelt' },
    { redirects: 'client' },
    { maxLegs: 1 },
    {},
  ] as const)('takes the options %o', (options) => {
    expect(refusal(() => withAuth(axios.create(), new NoAuth(), options))).toBeUndefined();
  });
});
