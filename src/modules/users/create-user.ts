import { dbNow } from '../../db/time.js';
import type { Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { ActorContext } from '../../shared/context.js';
import { newId } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import { choosePassword, hashCallerOf, type PasswordChoice } from '../passwords/index.js';
import type { UsersCtx } from './users.context.js';
import { presentUser, type User } from './users.presenter.js';
import { userErrors } from './users.errors.js';
import { normalizeEmail, searchText, target } from './users.shared.js';
import * as store from './users.store.js';
import type { Role } from './users.table.js';

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  password: PasswordChoice;
  /** Admin- and CLI-set passwords are temporary (SEC-TMP-01); only first-run setup sets a chosen one. */
  temporary: boolean;
}

export async function createUser(
  ctx: UsersCtx,
  actor: ActorContext,
  input: CreateUserInput,
): Promise<{ user: User; generatedPassword?: string }> {
  const email = normalizeEmail(input.email);
  const chosen = choosePassword(ctx, input.password, { email, name: input.name.trim() });
  const passwordHash = await ctx.hasher.hash(chosen.password, hashCallerOf(actor));
  const user = await ctx.db
    .transaction()
    .execute((trx) => insertUser(trx, ctx, actor, { ...input, email, passwordHash }));
  return { user, ...(chosen.generated ? { generatedPassword: chosen.password } : {}) };
}

/**
 * Inserts a user with an already hashed (and policy-checked) password inside the caller's
 * transaction, with its audit event. Used by createUser and by first-run setup.
 */
export async function insertUser(
  trx: Executor,
  ctx: Pick<UsersCtx, 'clock' | 'config' | 'settings'>,
  actor: ActorContext,
  input: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    temporary: boolean;
    /** The person proved the address (they used an invitation link mailed to it). */
    emailVerified?: boolean;
  },
): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const now = await dbNow(trx, ctx.clock);
  const row: store.UserRow = {
    id: newId(),
    email,
    name,
    nameKey: name.toLowerCase(),
    search: searchText(email, name),
    role: input.role,
    status: 'active',
    passwordHash: input.passwordHash,
    passwordTemporary: input.temporary ? 1 : 0,
    passwordExpiresAt: input.temporary ? now + ctx.settings.current().temporaryPasswordMs : null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: 0,
    locale: null,
    emailVerifiedAt: input.emailVerified ? now : null,
  };
  if (await store.findByEmail(trx, email)) throw userErrors.email_taken();
  try {
    await store.insert(trx, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw userErrors.email_taken();
    throw error;
  }
  await recordAuditEvent(trx, ctx.clock, actor, {
    action: 'user.created',
    target: target(row),
    details: { role: row.role, temporaryPassword: input.temporary },
  });
  return presentUser(row);
}
