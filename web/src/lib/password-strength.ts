/**
 * The strength estimator behind the password meter: zxcvbn-ts with its common-password and English
 * dictionaries, with the same bounds as the server's (src/modules/passwords/strength.ts), so the meter
 * and the server agree on what is too guessable. The dictionaries (about 1 MB) load on first use, in
 * their own chunk: the sign-in page never fetches them.
 */
import { useEffect, useMemo, useState } from 'react';

/** The server refuses scores below this (password_too_weak). */
export const MIN_STRENGTH_SCORE = 2;

type Estimate = (password: string, words: string[]) => number;

let loading: Promise<Estimate> | null = null;

export function loadEstimator(): Promise<Estimate> {
  loading ??= (async () => {
    const [core, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const factory = new core.ZxcvbnFactory({
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
      maxLength: 64,
      l33tMaxSubstitutions: 4,
    });
    return (password: string, words: string[]) => factory.check(password, words).score;
  })();
  // A failed fetch (a deploy replaced the chunk) may be retried by the next field that asks.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * The estimator's score (0–4) for a password and the words it must not lean on, or null while the
 * estimator loads (or if it could not be loaded: the server still checks on submit).
 */
export function usePasswordScore(password: string, words: readonly string[], enabled = true): number | null {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    loadEstimator().then(
      (loaded) => live && setEstimate(() => loaded),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  // One string for the words, so a new array with the same words does not estimate again.
  const key = words.join('\u0000');
  return useMemo(
    () =>
      estimate && password ? estimate(password.normalize('NFKC'), key ? key.split('\u0000') : []) : null,
    [estimate, password, key],
  );
}

/**
 * The score at submit time, waiting for the estimator if it is still loading (null if it cannot be
 * loaded: the server still decides). A form checks with this rather than with what its last render
 * saw, so a password typed before the dictionaries arrived is still checked before it is sent.
 */
export async function scoreBeforeSubmit(password: string, words: readonly string[]): Promise<number | null> {
  try {
    return (await loadEstimator())(password.normalize('NFKC'), [...words]);
  } catch {
    return null;
  }
}
