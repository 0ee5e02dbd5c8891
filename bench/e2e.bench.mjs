// What a user pays on every request, end to end: requests/s through each
// adapter with Basic, Digest (answered up front from the remembered space) and
// a custom AuthBase, against the same client sending the same header by hand,
// to a loopback server that checks nothing (its cost is the same on both
// sides). digest-fetch and @mhoc/axios-digest-auth run in the same turns.

import { withAuth as withAuthAxios } from '@authbelt/adapter-axios';
import { withAuth as withAuthFetch } from '@authbelt/adapter-fetch';
import { withAuth as withAuthKy } from '@authbelt/adapter-ky';
import { BasicAuth } from '@authbelt/basic';
import { AuthBase } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import mhocDigest from '@mhoc/axios-digest-auth';
import axios from 'axios';
import DigestClient from 'digest-fetch';
import ky from 'ky';
import { alternate, startNoCheckServer } from './loopback.mjs';

// A CommonJS module compiled from TypeScript: its class is the `default` export's `default`.
const AxiosDigestAuth = mhocDigest.default ?? mhocDigest;

export const REQUESTS = 1500;
const WARM_UP = 200;
const USER = 'Mufasa';
const PASS = 'Circle of Life';
const CHALLENGE =
  'Digest realm="bench@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", algorithm=SHA-256, qop="auth", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const BASIC_HEADER = `Basic ${btoa(`${USER}:${PASS}`)}`;
// The length and shape of a real answer up front; the server does not check it.
const DIGEST_HEADER =
  'Digest username="Mufasa", realm="bench@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/hot", algorithm=SHA-256, response="77a64fd7a8ac31d816c986bfb144db9375b4f722a433c10454aeee12e12b2756", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, cnonce="57e9a98cbc27d336ad9dcfc7b82dcd52"';

/** A scheme as a user writes one (the requests docs' TokenAuth): one header. */
class HandWritten extends AuthBase {
  authorize(request) {
    request.headers.set('authorization', BASIC_HEADER);
  }
}

const readFetch = async (promise) => {
  const response = await promise;
  await response.arrayBuffer();
  return response.status;
};
const readAxios = async (promise) => (await promise).status;

// Each client: how to send one GET with headers, and how to wrap it with a scheme.
const CLIENTS = [
  {
    id: 'fetch',
    label: '`fetch`',
    bare: (url, headers) => readFetch(fetch(url, { headers })),
    wrap: (auth) => {
      const f = withAuthFetch(fetch, auth);
      return (url) => readFetch(f(url));
    },
  },
  ...['http', 'fetch'].map((adapter) => ({
    id: `axios-${adapter}`,
    label: `axios (\`${adapter}\` adapter)`,
    bare: (() => {
      const instance = axios.create({ adapter });
      return (url, headers) => readAxios(instance.get(url, { headers }));
    })(),
    wrap: (auth) => {
      const instance = withAuthAxios(axios.create({ adapter }), auth);
      return (url) => readAxios(instance.get(url));
    },
  })),
  {
    id: 'ky',
    label: 'ky',
    bare: (() => {
      const instance = ky.create({ retry: 0 });
      return (url, headers) => readFetch(instance.get(url, { headers }));
    })(),
    wrap: (auth) => {
      const instance = withAuthKy(ky.create({ retry: 0 }), auth);
      return (url) => readFetch(instance.get(url));
    },
  },
];

/**
 * One client's request with `Authorization: Basic …` set by hand and the same
 * request through its adapter with `BasicAuth`, for `bench/profile.mjs client`.
 */
export function clientPair(id, url) {
  const client = CLIENTS.find((c) => c.id === id);
  if (client === undefined) throw new Error(`no client ${id}; one of ${CLIENTS.map((c) => c.id).join(', ')}`);
  const wrapped = client.wrap(new BasicAuth(USER, PASS));
  return { bare: () => client.bare(url, { authorization: BASIC_HEADER }), wrapped: () => wrapped(url) };
}

/** `observe` is handed to `alternate` (see loopback.mjs): `bench/profile.mjs e2e` uses it. */
export async function benchEndToEnd({ requests = REQUESTS, observe, clients = CLIENTS.map((c) => c.id) } = {}) {
  const server = await startNoCheckServer(CHALLENGE);
  try {
    const url = `${server.url}/hot`;
    const contestants = [];
    for (const client of CLIENTS.filter((c) => clients.includes(c.id))) {
      const add = (kind, label, send) => contestants.push({ client: client.id, kind, label, send });
      add('bare-basic', `${client.label}, \`Authorization: Basic …\` set by hand`, () =>
        client.bare(url, { authorization: BASIC_HEADER }),
      );
      add('bare-digest', `${client.label}, a Digest \`Authorization\` set by hand`, () =>
        client.bare(url, { authorization: DIGEST_HEADER }),
      );
      const basic = client.wrap(new BasicAuth(USER, PASS));
      add('basic', `${client.label} + \`BasicAuth\``, () => basic(url));
      const digest = client.wrap(new DigestAuth(USER, PASS));
      add('digest', `${client.label} + \`DigestAuth\` (answered up front)`, () => digest(url));
      const custom = client.wrap(new HandWritten());
      add('custom', `${client.label} + a custom \`AuthBase\` (one header)`, () => custom(url));
    }
    const digestFetch = new DigestClient(USER, PASS, { algorithm: 'SHA-256' });
    const peers = [];
    peers.push({
      client: 'fetch',
      kind: 'peer',
      id: 'digest-fetch',
      label: 'digest-fetch `DigestClient.fetch` (answers up front after the first 401)',
      send: () => readFetch(digestFetch.fetch(url)),
    });
    const mhocAxios = axios.create({ adapter: 'http' });
    const mhoc = new AxiosDigestAuth({ axios: mhocAxios, username: USER, password: PASS });
    peers.push({
      client: 'axios-http',
      kind: 'peer',
      id: '@mhoc/axios-digest-auth',
      label: '@mhoc/axios-digest-auth `request` (MD5 only; every request waits for a 401)',
      send: () => readAxios(mhoc.request({ method: 'GET', url })),
    });
    contestants.push(...peers.filter((peer) => clients.includes(peer.client)));
    const rows = await alternate(contestants, { requests, warmUp: WARM_UP, observe });
    return { requests, clients: CLIENTS.map(({ id, label }) => ({ id, label })), rows };
  } finally {
    await server.close();
  }
}
