import { createRequire } from 'node:module';
import type * as Core from '@zxcvbn-ts/core';
import type * as Common from '@zxcvbn-ts/language-common';
import type * as English from '@zxcvbn-ts/language-en';

/**
 * The strength estimator (zxcvbn-ts with its common-password and English dictionaries, the same one
 * the console's meter uses): a password it rates "too guessable" or "very guessable" (scores 0 and
 * 1, under 10^6 guesses: `password1234567` is about 16,000) is refused, with the user's context
 * words (SEC-PW-06) as extra dictionary words, so "analima2024analima" counts as weak for Ana Lima.
 *
 * Two bounds keep it cheap enough to run on the event loop before every hash: only the first
 * ESTIMATED_LENGTH code points are estimated (a longer password's strength is mostly its length;
 * the unbounded estimator took seconds on 256 repeated characters), and l33t variants are tried
 * with at most four substitutions at once (the default of 100 made a 15-character password cost
 * 150–300 ms). Loaded on first use, not at start: the dictionaries cost the process about 29 MB,
 * which a node that only signs people in never needs.
 */
export const MIN_STRENGTH_SCORE = 2;
export const ESTIMATED_LENGTH = 64;
const L33T_MAX_SUBSTITUTIONS = 4;

let estimator: Core.ZxcvbnFactory | undefined;

function loadEstimator(): Core.ZxcvbnFactory {
  if (estimator) return estimator;
  // Synchronous on purpose: the policy is a synchronous check made before hashing.
  const require = createRequire(import.meta.url);
  const core = require('@zxcvbn-ts/core') as typeof Core;
  const common = require('@zxcvbn-ts/language-common') as typeof Common;
  const en = require('@zxcvbn-ts/language-en') as typeof English;
  estimator = new core.ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    maxLength: ESTIMATED_LENGTH,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return estimator;
}

/** The estimator's score, 0 (too guessable) to 4 (very unguessable), with the user's words as a dictionary. */
export function strengthScore(password: string, userWords: readonly string[]): number {
  return loadEstimator().check(password, [...userWords]).score;
}
