/**
 * Live password feedback, mirroring the server's policy (src/modules/passwords/policy.ts): length in
 * Unicode code points after NFKC, at most 256, no control characters, none of the context words, and,
 * given the strength estimator's score (password-strength.ts), not too guessable. The blocklist is
 * only checked by the server; its answer shows up as an error on submit.
 */
import { t } from './i18n';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** The account's email and name, and the organization's name: words the password must not contain. */
  context?: {
    email?: string | undefined;
    name?: string | undefined;
    organizationName?: string | undefined;
    /** Words the server named for this account (a reset link's status), in addition to the above. */
    words?: readonly string[] | undefined;
  };
}

export const DEFAULT_POLICY: PasswordPolicy = { minLength: 15, maxLength: 256 };

export interface PasswordRule {
  id: 'min' | 'max' | 'context' | 'characters' | 'guessable';
  label: string;
  met: boolean;
}

export interface PasswordCheck {
  length: number;
  rules: PasswordRule[];
  ok: boolean;
  strength: 0 | 1 | 2 | 3 | 4;
  strengthLabel: string;
}

// eslint-disable-next-line no-control-regex -- control characters are what the policy refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const MIN_CONTEXT_WORD = 3;

export const codePoints = (value: string): number => [...value.normalize('NFKC')].length;

/** The words a password must not contain, lower-cased: also the estimator's extra dictionary. */
export function contextWords(context: PasswordPolicy['context']): string[] {
  const words = new Set<string>(['gatehouse', ...(context?.words ?? [])]);
  const add = (value: string | undefined) => {
    const v = value?.normalize('NFKC').toLowerCase().trim();
    if (v && [...v].length >= MIN_CONTEXT_WORD) words.add(v);
  };
  const local = context?.email?.split('@')[0];
  add(local);
  for (const part of local?.split(/[._+-]+/) ?? []) add(part);
  add(context?.name);
  for (const part of context?.name?.split(/\s+/) ?? []) add(part);
  add(context?.organizationName);
  for (const part of context?.organizationName?.split(/\s+/) ?? []) add(part);
  return [...words];
}

const STRENGTH_KEYS = ['tooShort', 'weak', 'fair', 'good', 'strong'] as const;

/** Below this estimator score the server refuses the password (password_too_weak). */
const MIN_SCORE = 2;

/**
 * The rules, checked as the person types. `score` is the estimator's (0–4): undefined leaves the
 * estimator out (the rules alone), null means it is still loading. The meter never says more than
 * "Weak" while a rule fails or the estimator finds the password too guessable.
 */
export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  score?: number | null,
): PasswordCheck {
  const length = codePoints(password);
  const lowered = password.normalize('NFKC').toLowerCase();
  const found = contextWords(policy.context).find((word) => lowered.includes(word));
  const rules: PasswordRule[] = [
    {
      id: 'min',
      label: t('password.rules.min', { count: policy.minLength }),
      met: length >= policy.minLength,
    },
    {
      id: 'max',
      label: t('password.rules.max', { count: policy.maxLength }),
      met: length <= policy.maxLength,
    },
    {
      id: 'context',
      label: found
        ? t('password.rules.notContain', { word: found })
        : policy.context?.email || policy.context?.name || policy.context?.words?.length
          ? t('password.rules.noContext')
          : t('password.rules.noProduct'),
      met: !found,
    },
  ];
  if (score !== undefined) {
    rules.push({
      id: 'guessable',
      label: t('passwordMeter.notGuessable'),
      met: score !== null && score >= MIN_SCORE,
    });
  }
  if (CONTROL.test(password)) {
    rules.push({ id: 'characters', label: t('password.rules.noControl'), met: false });
  }
  // While the estimator loads, only what is known counts: the server has the last word on submit.
  const ok = password.length > 0 && rules.every((r) => r.met || (r.id === 'guessable' && score === null));
  let strength: PasswordCheck['strength'];
  let label: string;
  if (length < policy.minLength) {
    strength = 0;
    label = t('password.strengthLabels.tooShort');
  } else if (!ok || (typeof score === 'number' && score < MIN_SCORE)) {
    strength = 1;
    label = t('password.strengthLabels.weak');
  } else if (typeof score !== 'number') {
    strength = 1;
    label = t('passwordMeter.checking');
  } else {
    strength = Math.min(4, Math.max(2, score)) as PasswordCheck['strength'];
    label = t(`password.strengthLabels.${STRENGTH_KEYS[strength]}`);
  }
  return { length, rules, ok, strength, strengthLabel: label };
}
