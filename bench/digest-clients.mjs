// The Digest answerers measured. Each `answer(header)` does what a client
// does on a 401: challenge header string in, Authorization header string
// out, with a fresh cnonce. The peers do their own parsing and make their own
// cnonce inside that call; authbelt's row parses with `parseChallenges` and
// draws its 128-bit cnonce with `randomCnonce`, the generator `DigestAuth`
// uses, so each side pays for its own parsing and randomness.

import { hash } from 'node:crypto';
import { parseChallenges } from '@authbelt/core';
import { digestAuthorization, randomCnonce } from '@authbelt/digest';
import DigestClient from 'digest-fetch';
import digestHeader from 'digest-header';
import wwwAuthenticate from 'www-authenticate';
// The build browsers and workers get (the `browser` and default conditions),
// with authbelt's own JavaScript MD5 and SHA-2: Node resolves the package to
// its node:crypto build, so this one is loaded by path.
import * as browserBuild from '../packages/digest/dist/index.js';

export const USERNAME = 'Mufasa';
export const PASSWORD = 'Circle of Life';
export const METHOD = 'GET';
export const URI = '/dir/index.html';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function cnonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** authbelt's cold answer: parse the challenge, answer it with a fresh cnonce (also what `profile.mjs cold` profiles). */
export function authbelt(header) {
  const [challenge] = parseChallenges(header);
  return digestAuthorization({
    challenge,
    method: METHOD,
    uri: URI,
    username: USERNAME,
    password: PASSWORD,
    cnonce: randomCnonce(),
    nc: 1,
  });
}

/** The same answer from the browser build: what a page or worker pays, on V8. */
export function authbeltBrowserBuild(header) {
  if (browserBuild.hashImplementation !== 'js')
    throw new Error('the browser build of @authbelt/digest must hash in JS');
  const [challenge] = parseChallenges(header);
  return browserBuild.digestAuthorization({
    challenge,
    method: METHOD,
    uri: URI,
    username: USERNAME,
    password: PASSWORD,
    cnonce: browserBuild.randomCnonce(),
    nc: 1,
  });
}

/** authbelt's parser alone, on the challenge every answer starts from. */
export function parseOnly(header) {
  return () => parseChallenges(header);
}

/** authbelt's pure function alone: challenge already parsed, cnonce fixed. */
export function authbeltPure(header) {
  const [challenge] = parseChallenges(header);
  const fixed = cnonce();
  return () =>
    digestAuthorization({
      challenge,
      method: METHOD,
      uri: URI,
      username: USERNAME,
      password: PASSWORD,
      cnonce: fixed,
      nc: 1,
    });
}

const NODE_HASH = { MD5: 'md5', 'SHA-256': 'sha256' };

/**
 * The ceiling for any answer built on node:crypto: only the work no Digest
 * answer can skip, the 128-bit cnonce and the three one-shot hashes (HA1,
 * HA2, response) of qop=auth; the challenge parsed and its strings built
 * before, nothing formatted. No caching: every call hashes all three.
 */
export function hashesOnly(header, algorithm) {
  const { realm, nonce } = parseChallenges(header)[0].params;
  const name = NODE_HASH[algorithm];
  const a1 = `${USERNAME}:${realm}:${PASSWORD}`;
  const a2 = `${METHOD}:${URI}`;
  return () => {
    const cnonce = randomCnonce();
    const ha1 = hash(name, a1, 'hex');
    const ha2 = hash(name, a2, 'hex');
    return hash(name, `${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`, 'hex');
  };
}

function viaDigestHeader(header) {
  return digestHeader(METHOD, URI, header, `${USERNAME}:${PASSWORD}`);
}

// www-authenticate: the credentials object is made once (as its users do);
// each challenge is parsed and answered.
const wwwAuth = wwwAuthenticate(USERNAME, PASSWORD);
function viaWwwAuthenticate(header) {
  return wwwAuth(header).authorize(METHOD, URI);
}

// digest-fetch: `fetch()` is parseAuth(401 header) then addAuth(url, options);
// these are the two methods called here, without the network. Its hash is
// fixed at construction, not read from the challenge.
function digestFetch(algorithm) {
  const client = new DigestClient(USERNAME, PASSWORD, { algorithm });
  return (header) => {
    client.parseAuth(header);
    return client.addAuth(`http://example.org${URI}`, { method: METHOD }).headers.Authorization;
  };
}

/** Contestants per algorithm; the first of each list is authbelt. */
export const digestRaces = [
  {
    algorithm: 'MD5',
    challenge:
      'Digest realm="bench@example.org", nonce="6KjhFVuDBQA=0e5e2cde8e5ba0e7e6c1a6b0a4c4a7b27f0e2c11", algorithm=MD5, qop="auth", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    clients: [
      { id: '@authbelt/digest', label: 'authbelt `digestAuthorization`', answer: authbelt },
      { id: 'digest-header', label: 'digest-header', answer: viaDigestHeader },
      { id: 'www-authenticate', label: 'www-authenticate', answer: viaWwwAuthenticate },
      { id: 'digest-fetch', label: 'digest-fetch', answer: digestFetch('MD5') },
    ],
  },
  {
    algorithm: 'SHA-256',
    challenge:
      'Digest realm="bench@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", algorithm=SHA-256, qop="auth", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    clients: [
      { id: '@authbelt/digest', label: 'authbelt `digestAuthorization`', answer: authbelt },
      { id: 'digest-fetch', label: 'digest-fetch', answer: digestFetch('SHA-256') },
    ],
  },
];
