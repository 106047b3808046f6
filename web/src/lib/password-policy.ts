/**
 * Live password feedback, mirroring the server's policy (src/modules/passwords/policy.ts): length in
 * Unicode code points after NFKC, at most 256, no control characters, none of the context words.
 * The blocklist is only checked by the server; its answer shows up as an error on submit.
 */
import { t } from './i18n';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** The account's email and name, and the organization's name: words the password must not contain. */
  context?: { email?: string | undefined; name?: string | undefined; organizationName?: string | undefined };
}

export const DEFAULT_POLICY: PasswordPolicy = { minLength: 15, maxLength: 256 };

export interface PasswordRule {
  id: 'min' | 'max' | 'context' | 'characters';
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

function contextWords(context: PasswordPolicy['context']): string[] {
  const words = new Set<string>(['gatehouse']);
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

/** A rough strength estimate: length times the variety of characters, minus repetition. */
function estimateBits(password: string): number {
  const chars = [...password.normalize('NFKC')];
  if (chars.length === 0) return 0;
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  const unique = new Set(chars).size;
  const effectiveLength = Math.min(chars.length, unique * 2.5);
  return effectiveLength * Math.log2(Math.max(pool, 2));
}

const STRENGTH_KEYS = ['tooShort', 'weak', 'fair', 'good', 'strong'] as const;

export function checkPassword(password: string, policy: PasswordPolicy): PasswordCheck {
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
        : policy.context?.email || policy.context?.name
          ? t('password.rules.noContext')
          : t('password.rules.noProduct'),
      met: !found,
    },
  ];
  if (CONTROL.test(password)) {
    rules.push({ id: 'characters', label: t('password.rules.noControl'), met: false });
  }
  const ok = password.length > 0 && rules.every((r) => r.met);
  const bits = estimateBits(password);
  let strength: PasswordCheck['strength'] = 0;
  if (length >= policy.minLength) strength = bits >= 90 ? 4 : bits >= 70 ? 3 : bits >= 50 ? 2 : 1;
  return {
    length,
    rules,
    ok,
    strength,
    strengthLabel: t(`password.strengthLabels.${STRENGTH_KEYS[strength]}`),
  };
}
