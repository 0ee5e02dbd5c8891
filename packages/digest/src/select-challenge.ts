import { type AuthError, type Challenge, isAuthError } from '@authbelt/core';
import { type Answerable, answerable, type DigestPolicy, type DigestQop } from './digest-core.js';

/** A Digest challenge this client can answer. */
export interface SelectedChallenge extends Answerable {
  readonly params: Readonly<Record<string, string>>;
}

// How close a refused challenge came to being answered, to report the closest.
const STAGES: readonly string[] = [
  // Stryker disable next-line StringLiteral: the first stage is the farthest; a code not listed (indexOf -1) ranks below the others the same way
  'ERR_INVALID_CHALLENGE',
  'ERR_UNSUPPORTED_ALGORITHM',
  'ERR_UNSUPPORTED_QOP',
];

/**
 * The strongest Digest challenge among `challenges` that `policy` allows
 * (RFC 7616 §3.7: a server may offer one per algorithm, in its order of
 * preference; the client picks the strongest it supports). Ties go to the one
 * offered first.
 *
 * `undefined` when no challenge is Digest. When there are Digest challenges
 * but none can be answered, the error of the one that came closest:
 * `ERR_UNSUPPORTED_QOP`, else `ERR_UNSUPPORTED_ALGORITHM`, else
 * `ERR_INVALID_CHALLENGE` (no nonce or realm).
 */
export function selectChallenge(
  challenges: readonly Challenge[],
  preferredQop: DigestQop,
  authIntPossible: boolean,
  policy?: DigestPolicy,
): SelectedChallenge | undefined {
  let best: SelectedChallenge | undefined;
  let failure: AuthError | undefined;
  for (const { scheme, params } of challenges) {
    if (scheme !== 'digest') continue;
    try {
      const answer = answerable(params, preferredQop, authIntPossible, policy);
      if (best === undefined || answer.algorithm.strength > best.algorithm.strength) best = { params, ...answer };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      if (failure === undefined || STAGES.indexOf(error.code) > STAGES.indexOf(failure.code)) failure = error;
    }
  }
  if (best !== undefined || failure === undefined) return best;
  throw failure;
}
