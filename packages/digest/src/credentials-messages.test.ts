// Issue 12: messages about bad credentials read the same in every scheme: the
// scheme, the part (as the constructor names it) and the position, never the value.
import { BasicAuth } from '@authbelt/basic';
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';

function errorOf(construct: () => unknown): Error {
  try {
    construct();
  } catch (error) {
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    return error as Error;
  }
  throw new Error('no error');
}
const messageOf = (construct: () => unknown): string => errorOf(construct).message;

describe('ERR_INVALID_CREDENTIALS messages of Basic and Digest', () => {
  it.each([
    ['a non-string username', 42, 'hunter2', 'username must be a string'],
    ['a non-string password', 'u', undefined, 'password must be a string'],
    ['LF in the username', 'a\nb', 'hunter2', 'username has a control character at position 1'],
    ['CR in the password', 'u', 'hunter2\r\nX-Evil: 1', 'password has a control character at position 7'],
    ['NUL in the password', 'u', 'hun\0ter2', 'password has a control character at position 3'],
  ])('%s: the same words, each naming its scheme, never the value', (_, username, password, words) => {
    const basic = messageOf(() => new BasicAuth(username as string, password as string));
    const digest = messageOf(() => new DigestAuth(username as string, password as string));
    expect(basic).toBe(`Basic ${words}`);
    expect(digest).toBe(`Digest ${words}`);
    for (const message of [basic, digest]) expect(message).not.toContain('hunter2');
  });

  it.each([
    ['LF in the username', 'a\nb', 'hunter2', 1],
    ['CR in the password', 'u', 'hunter2\r\nX-Evil: 1', 7],
  ])('%s: the error carries the position, in Basic and Digest alike', (_, username, password, position) => {
    expect((errorOf(() => new BasicAuth(username, password)) as { position?: number }).position).toBe(position);
    expect((errorOf(() => new DigestAuth(username, password)) as { position?: number }).position).toBe(position);
  });

  it("Basic's own rules (RFC 7617 §2) follow the same pattern", () => {
    expect(messageOf(() => new BasicAuth('a:b', 'hunter2'))).toBe(
      "Basic username has a ':' at position 1 (RFC 7617 §2: it ends the user-id)",
    );
    expect(messageOf(() => new BasicAuth('u', 'hunter2\x7f'))).toBe(
      'Basic password has a control character at position 7',
    );
    expect(messageOf(() => new BasicAuth('Jäsøn€', 'p', { charset: 'latin1' }))).toBe(
      "Basic username has a character at position 5 that latin1 cannot encode; use charset 'utf-8'",
    );
  });
});
