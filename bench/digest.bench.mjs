// Digest answer throughput: Authorization headers per second from a 401's
// challenge, per hash algorithm, each answer checked before it is timed.

import { parseChallenges } from '@authbelt/core';
import { authbeltPure, digestRaces, hashesOnly, METHOD, PASSWORD, URI, USERNAME } from './digest-clients.mjs';
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

    const times = await race([
      ...clients.map((client) => () => client.answer(challenge)),
      pure,
      hashesOnly(challenge, algorithm),
    ]);
    const rows = clients.map((client, i) => ({ client, problem: problems[i], ...times[i] }));
    results.push({ algorithm, rows, pure: times[clients.length], ceiling: times[clients.length + 1] });
  }
  return results;
}
