import { describe, expect, it } from 'vitest';
import { type Challenge, parseAuthParams, parseChallenges } from './challenge.js';
import { type AuthError, isAuthError } from './errors.js';

type Plain = { scheme: string; params: Record<string, string>; token68?: string };

const c = (scheme: string, params: Record<string, string> = {}, token68?: string): Plain =>
  token68 === undefined ? { scheme, params } : { scheme, params, token68 };

/** The parse as plain data: params copied out of their null-prototype object. */
const plain = (challenges: Challenge[]): Plain[] =>
  challenges.map(({ scheme, token68, params }) =>
    token68 === undefined ? { scheme, params: { ...params } } : { scheme, params: { ...params }, token68 },
  );

/** The AuthError `run` throws (the test fails if it throws anything else, or nothing). */
function authErrorOf(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    if (isAuthError(error)) return error;
    throw error;
  }
  throw new Error('expected an AuthError, nothing was thrown');
}

const RFC_7616_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC_7616_OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';

describe('parseChallenges: RFC examples', () => {
  it.each<[string, string, Plain[]]>([
    ['RFC 7617 §2', 'Basic realm="WallyWorld"', [c('basic', { realm: 'WallyWorld' })]],
    ['RFC 7617 §2.1 charset', 'Basic realm="foo", charset="UTF-8"', [c('basic', { realm: 'foo', charset: 'UTF-8' })]],
    [
      'RFC 9110 §11.6.1 (RFC 7235 §4.1) two challenges in one value',
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      [c('newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }), c('basic', { realm: 'simple' })],
    ],
    [
      'RFC 2617 §3.5',
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      [
        c('digest', {
          realm: 'testrealm@host.com',
          qop: 'auth,auth-int',
          nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
          opaque: '5ccc069c403ebaf9f0171e9517f40e41',
        }),
      ],
    ],
    [
      'RFC 7616 §3.9.1 SHA-256 and MD5 challenges',
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC_7616_NONCE}", opaque="${RFC_7616_OPAQUE}", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="${RFC_7616_NONCE}", opaque="${RFC_7616_OPAQUE}"`,
      ['SHA-256', 'MD5'].map((algorithm) =>
        c('digest', {
          realm: 'http-auth@example.org',
          qop: 'auth, auth-int',
          algorithm,
          nonce: RFC_7616_NONCE,
          opaque: RFC_7616_OPAQUE,
        }),
      ),
    ],
    [
      'RFC 7616 §3.9.2 userhash and charset',
      'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true',
      [
        c('digest', {
          realm: 'api@example.org',
          qop: 'auth',
          algorithm: 'SHA-512-256',
          nonce: '5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK',
          opaque: 'HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS',
          charset: 'UTF-8',
          userhash: 'true',
        }),
      ],
    ],
    [
      'RFC 6750 §3 Bearer error',
      'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
      [c('bearer', { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' })],
    ],
    ['RFC 4559 Negotiate without data', 'Negotiate', [c('negotiate')]],
    [
      'RFC 9110 §11.2 token68',
      'Negotiate a87421000492aa874209af8bc028',
      [c('negotiate', {}, 'a87421000492aa874209af8bc028')],
    ],
  ])('%s', (_name, value, expected) => {
    expect(plain(parseChallenges(value))).toEqual(expected);
  });
});

describe('parseChallenges: real-world headers', () => {
  it.each<[string, string, Plain[]]>([
    [
      'Apache mod_auth_digest',
      'Digest realm="private area", nonce="Ny8yLzIwMDIgMzoyNjoyNCBQTQ==5a1e3f0ac1c1c6b6c6e6ab2b4d9d5c52a19c4a8b", algorithm=MD5, domain="/private/ http://mirror.example/private/", qop="auth"',
      [
        c('digest', {
          realm: 'private area',
          nonce: 'Ny8yLzIwMDIgMzoyNjoyNCBQTQ==5a1e3f0ac1c1c6b6c6e6ab2b4d9d5c52a19c4a8b',
          algorithm: 'MD5',
          domain: '/private/ http://mirror.example/private/',
          qop: 'auth',
        }),
      ],
    ],
    ['nginx auth_basic', 'Basic realm="Restricted Content"', [c('basic', { realm: 'Restricted Content' })]],
    ['GitHub', 'Basic realm="GitHub"', [c('basic', { realm: 'GitHub' })]],
    ['IIS: Negotiate, NTLM', 'Negotiate, NTLM', [c('negotiate'), c('ntlm')]],
    [
      'IIS NTLM type-2 message',
      'NTLM TlRMTVNTUAACAAAADAAMADgAAAAFgomiK5i4Ew8Y/48AAAAAAAAAAGIAYgBEAAAABgGxHQAAAA8=',
      [c('ntlm', {}, 'TlRMTVNTUAACAAAADAAMADgAAAAFgomiK5i4Ew8Y/48AAAAAAAAAAGIAYgBEAAAABgGxHQAAAA8=')],
    ],
    [
      'Docker registry Bearer (no spaces after commas, a comma in scope)',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        c('bearer', {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        }),
      ],
    ],
    [
      'IP camera Digest',
      'Digest qop="auth,auth-int", realm="IP Camera(C1234)", nonce="4e6a5a6b4d7a", stale="FALSE"',
      [c('digest', { qop: 'auth,auth-int', realm: 'IP Camera(C1234)', nonce: '4e6a5a6b4d7a', stale: 'FALSE' })],
    ],
    [
      'squid proxy, Basic and Digest offered',
      'Digest realm="Squid", nonce="Q2hhbmdlTWU=", qop="auth", stale=false, Basic realm="Squid proxy-caching web server"',
      [
        c('digest', { realm: 'Squid', nonce: 'Q2hhbmdlTWU=', qop: 'auth', stale: 'false' }),
        c('basic', { realm: 'Squid proxy-caching web server' }),
      ],
    ],
    [
      'Microsoft Entra Bearer',
      'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The access token is missing or invalid."',
      [
        c('bearer', {
          authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize',
          error: 'invalid_token',
          error_description: 'The access token is missing or invalid.',
        }),
      ],
    ],
  ])('%s', (_name, value, expected) => {
    expect(plain(parseChallenges(value))).toEqual(expected);
  });
});

describe('parseChallenges: the edges of the grammar', () => {
  it.each<[string, string, Plain[]]>([
    ['empty value', '', []],
    ['only whitespace and commas', ' , ,\t, ', []],
    ['leading and trailing commas', ', ,Basic realm="r",, , Bearer ,', [c('basic', { realm: 'r' }), c('bearer')]],
    ['a comma inside a quoted realm', 'Basic realm="a, b=c, Digest"', [c('basic', { realm: 'a, b=c, Digest' })]],
    ['escaped quote and backslash', 'Basic realm="q\\"\\\\x"', [c('basic', { realm: 'q"\\x' })]],
    ['an escaped ordinary character', 'Basic realm="\\a\\b"', [c('basic', { realm: 'ab' })]],
    ['an escape as the first character', 'Basic realm="\\"x"', [c('basic', { realm: '"x' })]],
    ['empty quoted value', 'Basic realm=""', [c('basic', { realm: '' })]],
    [
      'token68 with == padding',
      'Negotiate YIIBhwYGKwYBBQUCoIIBezCC==',
      [c('negotiate', {}, 'YIIBhwYGKwYBBQUCoIIBezCC==')],
    ],
    [
      'token68 with one =, then a challenge',
      'Basic abc=, Basic realm="x"',
      [c('basic', {}, 'abc='), c('basic', { realm: 'x' })],
    ],
    ['token68 ending in "=" is not a parameter', 'Basic realm=', [c('basic', {}, 'realm=')]],
    ['token68 and trailing whitespace', 'Negotiate abc==  \t', [c('negotiate', {}, 'abc==')]],
    ['token68 with every token68 character', 'X aZ09-._~+/==', [c('x', {}, 'aZ09-._~+/==')]],
    ['a parameter that starts like a token68', 'Basic realm=x', [c('basic', { realm: 'x' })]],
    ['bare scheme', 'Bearer', [c('bearer')]],
    [
      'schemes and parameter names in any case',
      'DIGEST Realm="r", NONCE="n", X-Custom=1',
      [c('digest', { realm: 'r', nonce: 'n', 'x-custom': '1' })],
    ],
    [
      'values keep their case',
      'Basic realm="MiXeD", charset=UTF-8',
      [c('basic', { realm: 'MiXeD', charset: 'UTF-8' })],
    ],
    [
      'odd whitespace and tabs',
      ' \tBasic \t realm = "r" \t,\t charset =UTF-8 ',
      [c('basic', { realm: 'r', charset: 'UTF-8' })],
    ],
    ['a tab inside a quoted string', 'Basic realm="a\tb"', [c('basic', { realm: 'a\tb' })]],
    [
      'empty elements inside the parameter list',
      'Basic , , realm="r",, charset=x',
      [c('basic', { realm: 'r', charset: 'x' })],
    ],
    ['a space before the comma after a bare scheme', 'Negotiate , NTLM', [c('negotiate'), c('ntlm')]],
    ['three schemes, params between', 'A, B x=1, C', [c('a'), c('b', { x: '1' }), c('c')]],
    ['token values with tchar punctuation', "X a=!#$%&'*+-.^_`|~9", [c('x', { a: "!#$%&'*+-.^_`|~9" })]],
    [
      'obs-text and characters past U+00FF in a quoted string',
      'Basic realm="Jäsøn ☃ 😀"',
      [c('basic', { realm: 'Jäsøn ☃ 😀' })],
    ],
    [
      'the same name in two challenges',
      'Basic realm="a", Digest realm="b"',
      [c('basic', { realm: 'a' }), c('digest', { realm: 'b' })],
    ],
  ])('%s', (_name, value, expected) => {
    expect(plain(parseChallenges(value))).toEqual(expected);
  });

  it('keeps __proto__, constructor and toString as plain keys of a null-prototype-like object', () => {
    const [challenge] = parseChallenges('X __proto__="p", constructor=c, hasOwnProperty=t');
    const params = challenge?.params as Record<string, string>;
    expect(Object.keys(params)).toEqual(['__proto__', 'constructor', 'hasownproperty']);
    expect(params.__proto__).toBe('p');
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    const [empty] = parseChallenges('Basic');
    expect('toString' in (empty?.params ?? {})).toBe(false);
    expect(empty?.params.constructor).toBeUndefined();
    expect(Object.getPrototypeOf(Object.getPrototypeOf(empty?.params))).toBeNull();
  });

  it('reads several header lines as the one list they stand for (RFC 9110 §5.3)', () => {
    expect(plain(parseChallenges(['Basic realm="a"', 'Digest realm="b", nonce="n"']))).toEqual([
      c('basic', { realm: 'a' }),
      c('digest', { realm: 'b', nonce: 'n' }),
    ]);
    expect(plain(parseChallenges(['Negotiate', 'NTLM']))).toEqual([c('negotiate'), c('ntlm')]);
    // Joined with ", " this is `Digest realm="b", nonce="n"`: one challenge.
    expect(plain(parseChallenges(['Digest realm="b"', 'nonce="n"']))).toEqual([
      c('digest', { realm: 'b', nonce: 'n' }),
    ]);
    expect(plain(parseChallenges([]))).toEqual([]);
    expect(plain(parseChallenges(['', ' , ', 'Basic']))).toEqual([c('basic')]);
  });

  it('names the line and the position within it for an array', () => {
    const error = authErrorOf(() => parseChallenges(['Basic realm="a"', 'Digest realm="b']));
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.position).toBe(13);
    expect(error.message).toMatch(/header line 1/);
    // A scheme and a space end one line; its parameters follow on the next, as in the joined value.
    expect(plain(parseChallenges(['Basic ', 'realm="x"']))).toEqual(plain(parseChallenges('Basic , realm="x"')));
    expect(plain(parseChallenges(['# ', '0=#']))).toEqual([c('#', { 0: '#' })]);
    // After a token68 a line cannot carry on with parameters, as the joined value could not.
    expect(authErrorOf(() => parseChallenges(['Negotiate abc==', 'realm="x"'])).code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(authErrorOf(() => parseChallenges(['Basic', 'realm="x"'])).code).toBe('ERR_CHALLENGE_SYNTAX');
  });
});

describe('parseChallenges: malformed values', () => {
  it.each<[string, string, number]>([
    ['an unterminated quote (at the quote)', 'Basic realm="abc', 12],
    ['an unterminated quote after an escape', 'Basic realm="a\\"bc', 12],
    ['a lone backslash at the end', 'Basic realm="a\\', 12],
    ['a parameter with no scheme', 'realm="x"', 0],
    ['a parameter after a bare scheme and comma', 'Basic, realm="x"', 7],
    ['a parameter after a token68', 'Basic abc==, realm="x"', 13],
    ['a missing value before a comma', 'Basic a=b, realm=, x=y', 17],
    ['"realm=" read as a token68 (RFC 9110 §11.2), then a parameter', 'Basic realm=, charset="x"', 14],
    ['a missing value at the end after BWS', 'Basic a=b, realm= ', 18],
    ['a duplicate parameter (any case)', 'Digest realm="a", REALM="b"', 18],
    ['a duplicate parameter in a bare list position', 'X a=1, b=2, a=3', 12],
    ['no comma between parameters', 'Basic realm="a" charset="b"', 16],
    ['a token after a value', 'Basic realm=a b', 14],
    ['two tokens after the scheme', 'Basic a b', 8],
    ['a control character in a quoted string', 'Basic realm="a\u0001"', 14],
    ['DEL in a quoted string', 'Basic realm="ab\u007f"', 15],
    ['CR LF in a quoted string', 'Basic realm="a\r\nX: y"', 14],
    ['NUL in a quoted string', 'Basic realm="\u0000"', 13],
    ['a control character after a backslash', 'Basic realm="a\\\u0001"', 15],
    ['a bad character in a token value', 'Basic realm=a/b', 13],
    ['a non-ASCII character in a token', 'Bäsic realm="x"', 1],
    ['a stray equals before any scheme', '=x', 0],
    ['a scheme then BWS "=" (a parameter with no scheme)', 'Basic =x', 0],
    ['a stray quote', '"Basic"', 0],
    ['a scheme glued to a quote', 'Basic"x"', 5],
    ['a scheme glued to a slash', 'Basic/x', 5],
    ['"=" where a value should start', 'Basic a==b', 8],
    ['a quoted string where a name should be', 'Basic "realm"="x"', 6],
    ['a semicolon separator', 'Basic realm="a"; charset="b"', 15],
    ['a NUL in the middle', 'Basic\u0000realm="a"', 5],
  ])('rejects %s with its position', (_name, value, position) => {
    const error = authErrorOf(() => parseChallenges(value));
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.position).toBe(position);
    expect(error.message).toContain(`position ${position}`);
  });

  it('rejects 64 KiB of garbage with an AuthError and a 1 MB value by its size', () => {
    let garbage = '';
    for (let i = 0; i < 65_536; i++) garbage += String.fromCharCode(33 + ((i * 7919) % 94));
    expect(authErrorOf(() => parseChallenges(garbage, { maxLength: 1 << 20 })).code).toBe('ERR_CHALLENGE_SYNTAX');
    const huge = 'Basic realm="x"'.padEnd(1 << 20, ' ');
    const error = authErrorOf(() => parseChallenges(huge));
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.message).toMatch(/exceeds the limit of 16384/);
    expect(error.position).toBe(16_384);
    // The cap counts every line together.
    expect(
      authErrorOf(() => parseChallenges(['Basic'.padEnd(10, ' '), 'Basic'.padEnd(10, ' ')], { maxLength: 15 })).code,
    ).toBe('ERR_CHALLENGE_SYNTAX');
    expect(plain(parseChallenges('Basic', { maxLength: 5 }))).toEqual([c('basic')]);
    expect(authErrorOf(() => parseChallenges('Basic', { maxLength: 4 })).code).toBe('ERR_CHALLENGE_SYNTAX');
  });

  it('handles pathological but valid input in one pass', () => {
    const many = `X ${Array.from({ length: 1500 }, (_, i) => `p${i}="v"`).join(', ')}`;
    expect(Object.keys(parseChallenges(many, { maxLength: 1 << 20 })[0]?.params ?? {})).toHaveLength(1500);
    expect(parseChallenges(`Basic realm="x"${','.repeat(100_000)}`, { maxLength: 1 << 20 })).toHaveLength(1);
    // Many quoted strings and one late backslash: the backslash search is not redone per string.
    const quoted = `X ${Array.from({ length: 5000 }, (_, i) => `a${i}="${'v'.repeat(10)}"`).join(',')}, z="\\""`;
    expect(parseChallenges(quoted, { maxLength: 1 << 20 })[0]?.params.z).toBe('"');
    // A long would-be token68 that turns out to be a parameter name.
    const long = `X ${'a'.repeat(200_000)}=b`;
    expect(Object.keys(parseChallenges(long, { maxLength: 1 << 20 })[0]?.params ?? {})[0]).toHaveLength(200_000);
    const escapes = `X a="${'\\"'.repeat(100_000)}"`;
    expect(parseChallenges(escapes, { maxLength: 1 << 20 })[0]?.params.a).toBe('"'.repeat(100_000));
  });

  it.each<[string, () => unknown]>([
    ['a number', () => parseChallenges(42 as never)],
    ['null', () => parseChallenges(null as never)],
    ['an array holding a number', () => parseChallenges(['Basic', 1] as never)],
    ['a negative maxLength', () => parseChallenges('Basic', { maxLength: -1 })],
    ['a NaN maxLength', () => parseChallenges('Basic', { maxLength: Number.NaN })],
  ])('rejects %s as ERR_INVALID_ARGUMENT', (_name, run) => {
    expect(authErrorOf(run).code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('parseAuthParams', () => {
  it.each<[string, string, Record<string, string>]>([
    [
      'RFC 7616 §3.5 Authentication-Info',
      'rspauth="d3b0", cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nc=00000001, qop=auth, nextnonce="n2"',
      {
        rspauth: 'd3b0',
        cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
        nc: '00000001',
        qop: 'auth',
        nextnonce: 'n2',
      },
    ],
    [
      'RFC 7615 §3 with odd whitespace and empty elements',
      ' , NextNonce = "a\\"b" ,, QOP=auth,',
      { nextnonce: 'a"b', qop: 'auth' },
    ],
    ['empty', '', {}],
  ])('%s', (_name, value, expected) => {
    expect({ ...parseAuthParams(value) }).toEqual(expected);
  });

  it.each<[string, number]>([
    ['nextnonce', 9],
    ['a="b" c="d"', 6],
    ['a="b", A="c"', 7],
    ['Digest a="b"', 7],
    ['a="b', 2],
    ['a=', 2],
  ])('rejects %j with its position', (value, position) => {
    const error = authErrorOf(() => parseAuthParams(value));
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.position).toBe(position);
  });

  it('caps the length and checks its argument', () => {
    expect(authErrorOf(() => parseAuthParams(`a="${'x'.repeat(20_000)}"`)).code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(authErrorOf(() => parseAuthParams(undefined as never)).code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('parseChallenges: rules the mutation run showed untested', () => {
  it.each([
    ['NUL after an escaped backslash', 'Basic realm="a\\\\\u0000"', 16],
    ['DEL after an escaped backslash', 'Basic realm="a\\\\\u007f"', 16],
    ['NUL right after a backslash', 'Basic realm="a\\\u0000"', 15],
  ])('rejects %s in a quoted-string', (_name, value, position) => {
    const error = authErrorOf(() => parseChallenges(value));
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.position).toBe(position);
  });

  it('accepts SP and HTAB escaped in a quoted-pair (RFC 9110 §5.6.4)', () => {
    expect(plain(parseChallenges('Basic realm="a\\ b\\\tc"'))).toEqual([c('basic', { realm: 'a b\tc' })]);
  });

  it('accepts HTAB and SP around "=" in an auth-param (RFC 9110 §11.2 BWS)', () => {
    expect(plain(parseChallenges('Digest realm\t="x", nonce \t= \t"n"'))).toEqual([
      c('digest', { realm: 'x', nonce: 'n' }),
    ]);
  });

  it('keeps a parameter name that is a prefix or an extension of a known one as it is', () => {
    const [challenge] = parseChallenges('X ho=1, ur=2, stal=3, nonc=4, uris=5, REAL=6, d=7, realms=8');
    expect({ ...challenge?.params }).toEqual({
      ho: '1',
      ur: '2',
      stal: '3',
      nonc: '4',
      uris: '5',
      real: '6',
      d: '7',
      realms: '8',
    });
    // And schemes the same way.
    expect(parseChallenges('Dig, Digests, BASI').map((x) => x.scheme)).toEqual(['dig', 'digests', 'basi']);
  });

  it('takes maxLength as a number of characters only: 0 allows only the empty value, a string is refused', () => {
    expect(parseChallenges('', { maxLength: 0 })).toEqual([]);
    expect(authErrorOf(() => parseChallenges('B', { maxLength: 0 })).code).toBe('ERR_CHALLENGE_SYNTAX');
    for (const bad of ['5', -1, Number.NaN, null]) {
      expect(authErrorOf(() => parseChallenges('Basic', { maxLength: bad as never })).code).toBe(
        'ERR_INVALID_ARGUMENT',
      );
      expect(authErrorOf(() => parseAuthParams('a=b', { maxLength: bad as never })).code).toBe('ERR_INVALID_ARGUMENT');
    }
  });
});
