import { isBlocklisted } from './blocklist.js';
import { normalizePassword } from './hasher.js';
import { passwordErrors } from './passwords.errors.js';
import { MIN_STRENGTH_SCORE, strengthScore } from './strength.js';

export interface PolicyContext {
  minLength: number;
  maxLength: number;
  email?: string | undefined;
  name?: string | undefined;
  organizationName?: string | undefined;
}

/* eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects */
const CONTROL = /[\u0000-\u001f\u007f]/;
const MIN_CONTEXT_WORD = 3;

/** Words a password must not contain (SEC-PW-06): email local part, name parts, organization name, "gatehouse". */
export function contextWords(ctx: PolicyContext): string[] {
  const words = new Set<string>(['gatehouse']);
  const add = (value: string | undefined) => {
    const v = value?.normalize('NFKC').toLowerCase().trim();
    if (v && [...v].length >= MIN_CONTEXT_WORD) words.add(v);
  };
  const local = ctx.email?.split('@')[0];
  add(local);
  for (const part of local?.split(/[._+-]+/) ?? []) add(part);
  add(ctx.name);
  for (const part of ctx.name?.split(/\s+/) ?? []) add(part);
  add(ctx.organizationName);
  for (const part of ctx.organizationName?.split(/\s+/) ?? []) add(part);
  return [...words];
}

/**
 * The one password policy for every path that sets a password (SEC-PW-01..06): length in code points
 * after NFKC (never truncated), no control characters, not on the blocklist, no context words, and
 * not rated too guessable by the strength estimator (strength.ts), with the context words as its
 * dictionary. No composition rules (SEC-PW-04). The cheap rules run first; all of it runs before
 * any hashing.
 */
export function assertPasswordAcceptable(password: string, ctx: PolicyContext): void {
  assertPasswordRules(password, ctx);
  if (strengthScore(normalizePassword(password), contextWords(ctx)) < MIN_STRENGTH_SCORE)
    throw passwordErrors.password_too_weak();
}

/**
 * The rules without the estimator: what a generated password is held to (six random groups of five,
 * about 148 bits, are strong by construction; estimating each draw would only cost time).
 */
export function assertPasswordRules(password: string, ctx: PolicyContext): void {
  if (CONTROL.test(password)) throw passwordErrors.password_invalid_characters();
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < ctx.minLength) {
    throw passwordErrors.password_too_short(
      `The password must be at least ${ctx.minLength} characters long.`,
    );
  }
  if (length > ctx.maxLength) throw passwordErrors.password_too_long();
  if (isBlocklisted(normalized)) throw passwordErrors.password_blocklisted();
  const lowered = normalized.toLowerCase();
  if (contextWords(ctx).some((word) => lowered.includes(word)))
    throw passwordErrors.password_contains_context();
}
