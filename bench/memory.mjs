// Does one DigestAuth instance's memory stay flat however long it runs? The
// heap (after a full GC) when warm, after 100,000 requests answered up front
// in one protection space, and after two passes of requests to 1,000 distinct
// origins in turn (10,000 requests each pass; with 64 spaces remembered, each
// one is a 401 answered), all through one instance:
// the protection-space LRU (64 by default) and the nonce-count table (1,024
// retired nonces) bound it. The flow is driven by hand, as the driver does,
// against responses made here: no sockets, so only the scheme's memory counts.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DigestAuth } from '@authbelt/digest';

export const HOT_REQUESTS = 100_000;
export const ORIGINS = 1_000;
const PER_ORIGIN = 10;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const challenge = (n) =>
  `Digest realm="bench@example.org", nonce="${n.toString(36).padStart(12, 'n')}-7ypf/xlj9XXwfDPEoM4URrv", algorithm=SHA-256, qop="auth", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const ok = (url) => ({ status: 200, url, headers: new Headers() });

/** One request through the flow; a 401 with `challenge` when it goes without an answer. */
async function request(auth, url, n) {
  const flow = auth.flow({ method: 'GET', url, headers: new Headers() });
  let step = await flow.next();
  if (!step.value.headers.has('authorization')) {
    step = await flow.next({ status: 401, url, headers: new Headers({ 'www-authenticate': challenge(n) }) });
    if (step.done || !step.value.headers.has('authorization')) throw new Error('memory bench: challenge not answered');
  }
  await flow.next(ok(url));
}

export async function benchMemory() {
  const auth = new DigestAuth('Mufasa', 'Circle of Life');
  const hot = 'http://hot.example/dir/index.html';
  for (let i = 0; i < 1000; i++) await request(auth, hot, 0);
  const warm = heap();
  for (let i = 0; i < HOT_REQUESTS; i++) await request(auth, hot, 0);
  const afterHot = heap();
  const cycle = async () => {
    for (let round = 0; round < PER_ORIGIN; round++) {
      for (let o = 0; o < ORIGINS; o++) await request(auth, `http://o${o}.example/x`, o + 1);
    }
  };
  // The first pass fills the bounded tables; a second one must add nothing.
  await cycle();
  const afterOrigins = heap();
  await cycle();
  const afterOriginsAgain = heap();
  // The instance is still in use here: nothing it holds could have been collected.
  await request(auth, hot, 0);
  return {
    warm,
    afterHot,
    afterOrigins,
    afterOriginsAgain,
    hotRequests: HOT_REQUESTS,
    origins: ORIGINS,
    perOrigin: PER_ORIGIN,
  };
}
