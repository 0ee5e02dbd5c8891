// What every request after the first costs in the scheme: the answer up front
// from a remembered protection space. authbelt: one `DigestAuth.flow` step for
// a request to a space it already holds (request in, Authorization out, the
// 200 handed back), exactly what the driver runs per request. digest-fetch:
// `addAuth` on the challenge it holds, then the nc step its `fetch` takes after
// a 200. The floor is what no answer up front can skip: a `BasicAuth` flow
// (the same request and flow machinery, a static header), a fresh cnonce, and
// the two one-shot hashes an answer needs once HA1 is known (HA2, response).

import { hash } from 'node:crypto';
import { BasicAuth } from '@authbelt/basic';
import { parseChallenges } from '@authbelt/core';
import { DigestAuth, randomCnonce } from '@authbelt/digest';
import DigestClient from 'digest-fetch';
import { digestRaces, METHOD, PASSWORD, URI, USERNAME } from './digest-clients.mjs';
import { verifyDigest } from './digest-verify.mjs';
import { race } from './measure.mjs';

const URL_HOT = `http://example.org${URI}`;
const NODE_HASH = { MD5: 'md5', 'SHA-256': 'sha256' };
const ok = { status: 200, url: URL_HOT, headers: new Headers() };

/** A DigestAuth that has answered `challenge` once, so the next requests go up front. */
async function primed(challenge) {
  const auth = new DigestAuth(USERNAME, PASSWORD);
  const flow = auth.flow({ method: METHOD, url: URL_HOT, headers: new Headers() });
  await flow.next();
  const answer = await flow.next({
    status: 401,
    url: URL_HOT,
    headers: new Headers({ 'www-authenticate': challenge }),
  });
  if (answer.done) throw new Error('hot bench: DigestAuth did not answer the challenge');
  await flow.next(ok);
  return auth;
}

/** One request through a scheme's flow, as the driver runs it; the header it sent. */
async function through(auth) {
  const request = { method: METHOD, url: URL_HOT, headers: new Headers() };
  const flow = auth.flow(request);
  const step = await flow.next();
  const sent = step.value.headers.get('authorization');
  await flow.next(ok);
  return sent;
}

export async function benchHot() {
  const results = [];
  for (const { algorithm, challenge } of digestRaces) {
    const { params } = parseChallenges(challenge)[0];
    const expect = { algorithm, method: METHOD, uri: URI, username: USERNAME, password: PASSWORD, ...params };
    const auth = await primed(challenge);
    const peer = new DigestClient(USERNAME, PASSWORD, { algorithm });
    peer.parseAuth(challenge);
    const peerAnswer = () => {
      const header = peer.addAuth(URL_HOT, { method: METHOD }).headers.Authorization;
      peer.digest.nc++;
      return header;
    };
    const basic = new BasicAuth(USERNAME, PASSWORD);
    const name = NODE_HASH[algorithm];
    const { nonce } = params;
    const a2 = `${METHOD}:${URI}`;
    const ha1 = hash(name, `${USERNAME}:${params.realm}:${PASSWORD}`, 'hex');
    let nc = 0;
    const floor = async () => {
      await through(basic);
      const cnonce = randomCnonce();
      const ha2 = hash(name, a2, 'hex');
      return hash(name, `${ha1}:${nonce}:${(++nc).toString(16).padStart(8, '0')}:${cnonce}:auth:${ha2}`, 'hex');
    };
    for (const [who, header] of [
      ['authbelt', await through(auth)],
      ['digest-fetch', peerAnswer()],
    ]) {
      const problem = verifyDigest(header, expect);
      if (problem !== null) throw new Error(`hot bench: ${who}'s ${algorithm} answer up front is wrong: ${problem}`);
    }
    const [authbelt, digestFetch, floorTime, basicTime] = await race([
      () => through(auth),
      peerAnswer,
      floor,
      () => through(basic),
    ]);
    results.push({ algorithm, authbelt, digestFetch, floor: floorTime, basic: basicTime });
  }
  return results;
}
