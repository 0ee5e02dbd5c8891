// Digest answer throughput: Authorization headers per second from a 401's
// challenge, per hash algorithm, each answer checked before it is timed.

import { parseChallenges } from '@authbelt/core';
import {
  authbeltBrowserBuild,
  authbeltPure,
  digestRaces,
  hashesOnly,
  METHOD,
  PASSWORD,
  parseOnly,
  URI,
  USERNAME,
} from './digest-clients.mjs';
import { verifyDigest } from './digest-verify.mjs';
import { race } from './measure.mjs';

export async function benchDigest() {
  const results = [];
  for (const { algorithm, challenge, clients } of digestRaces) {
    const { params } = parseChallenges(challenge)[0];
    const expect = { algorithm, method: METHOD, uri: URI, username: USERNAME, password: PASSWORD, ...params };
    const problems = clients.map((client) => verifyDigest(client.answer(challenge), expect));
    if (problems[0] !== null) throw new Error(`authbelt answers the ${algorithm} challenge wrongly: ${problems[0]}`);
    const pure = authbeltPure(challenge);
    const pureProblem = verifyDigest(pure(), expect);
    if (pureProblem !== null) throw new Error(`authbelt digestAuthorization is wrong: ${pureProblem}`);
    const browserProblem = verifyDigest(authbeltBrowserBuild(challenge), expect);
    if (browserProblem !== null) throw new Error(`authbelt's browser build answers wrongly: ${browserProblem}`);

    const extra = {
      pure,
      ceiling: hashesOnly(challenge, algorithm),
      parse: parseOnly(challenge),
      browser: () => authbeltBrowserBuild(challenge),
    };
    const times = await race([...clients.map((client) => () => client.answer(challenge)), ...Object.values(extra)]);
    const rows = clients.map((client, i) => ({ client, problem: problems[i], ...times[i] }));
    const named = Object.fromEntries(Object.keys(extra).map((name, i) => [name, times[clients.length + i]]));
    results.push({ algorithm, rows, ...named });
  }
  return results;
}
