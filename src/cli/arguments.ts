import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { EmailInput } from '../http/schemas.js';
import type { Ctx } from '../db/context.js';
import { findUserByEmail, userErrors, type User } from '../modules/users/index.js';
import { printable } from './output.js';

/** Commander argument parser from a zod schema: the same rules as the HTTP API (SEC-IN-02/03). */
export function parsedBy<T>(schema: z.ZodType<T, string>) {
  return (value: string): T => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(result.error.issues.map((i) => i.message).join('; '));
    return result.data;
  };
}

/** `--limit <n|all>`: how many rows a list shows; "all" pages to the end. */
export function parseLimit(value: string): number {
  if (value === 'all') return Infinity;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('a whole number of at least 1, or "all"');
  return Number(value);
}

/** The user an `<email>` argument names, or a refusal (exit 1) that repeats what was typed. */
export async function userByEmail(deps: Pick<Ctx, 'db'>, email: string): Promise<User> {
  const normalized = EmailInput.safeParse(email);
  const user = normalized.success ? await findUserByEmail(deps, normalized.data) : null;
  if (!user) throw userErrors.user_not_found(`No user has the email ${printable(email)}.`);
  return user;
}
