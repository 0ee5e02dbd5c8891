// Every figure in BENCHMARKS.md is timed here, all the same way: mitata's
// `measure` (its warm-up, batching and sample loop) run in ROUNDS, the
// contestants of a race taking turns in a rotating order, and each one's
// median round kept. Turns and rotation keep a library from being favoured
// by its place in the run (JIT, GC, a noisy neighbour on a shared machine).

import { do_not_optimize, measure } from 'mitata';

export const ROUNDS = 5;
// ~0.25 s of samples per round: ~1.3 s per contestant in all, which keeps the
// whole run well under three minutes on a two-core machine.
export const MIN_CPU_TIME_NS = 2.5e8;

// The clock: the CPU time this process has used, not the wall clock. On a
// shared machine (two cores, several other jobs) a wall-clock sample also
// counts the time the scheduler gave the core to someone else, which moved a
// single ratio by ±30% and more; CPU time counts only the work done (GC
// included), so rounds agree far better. Resolution 1 µs, against samples of
// 128 operations.
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1e3;
};

// A contestant returning a promise (a scheme's flow) is awaited by mitata,
// one operation at a time; a synchronous one is timed as it is.
const settle = (value) => value.then(do_not_optimize);

async function once(fn) {
  const stats = await measure(
    () => {
      const value = fn();
      if (value instanceof Promise) return settle(value);
      do_not_optimize(value);
    },
    // mitata batches operations faster than its threshold, 4096 to a sample by
    // default, and takes at least 12 samples: at tens of µs per operation that
    // alone is seconds. 128 to a sample is plenty for the timer's resolution.
    { min_cpu_time: MIN_CPU_TIME_NS, batch_samples: 128, now: cpuNs },
  );
  return stats.avg; // nanoseconds
}

/**
 * Times each contestant's `fn` (one operation per call). Returns, in the
 * order given, the median over rounds of the mean time per operation.
 * @param {Array<() => unknown>} fns
 * @returns {Promise<Array<{ avgNs: number, opsPerSec: number, roundsNs: number[] }>>}
 */
export async function race(fns) {
  const rounds = fns.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (k + round) % fns.length;
      rounds[i].push(await once(fns[i]));
    }
  }
  return rounds.map((ns) => {
    const sorted = [...ns].sort((a, b) => a - b);
    const avgNs = sorted[Math.floor(sorted.length / 2)];
    return { avgNs, opsPerSec: 1e9 / avgNs, roundsNs: ns, spread: spread(ns) };
  });
}

/** The lowest and highest of a contestant's rounds, relative to its median: how much one run moves. */
export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { low: sorted[0] / median, high: sorted[sorted.length - 1] / median };
}

/**
 * The ratio of two contestants of one race round by round (`slowNs / fastNs`,
 * both taking turns in the same round), as a median and its range: a
 * ratio's spread over alternating runs, not one run's figure.
 */
export function pairedRatio(fast, slow) {
  const ratios = fast.roundsNs.map((ns, i) => slow.roundsNs[i] / ns).sort((a, b) => a - b);
  return {
    median: ratios[Math.floor(ratios.length / 2)],
    low: ratios[0],
    high: ratios[ratios.length - 1],
    runs: ratios.length,
  };
}
