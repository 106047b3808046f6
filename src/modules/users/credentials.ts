import type { Executor } from '../../db/db.js';
import { presentUser, type User } from './users.presenter.js';
import * as store from './users.store.js';
import type { Role, UserStatus } from './users.table.js';

/**
 * What sign-in and password changes need to know about a user, hash included. It stays inside the
 * server: routes only ever see `User`.
 */
export interface Credentials {
  user: User;
  passwordHash: string | null;
  status: UserStatus;
  temporary: boolean;
  temporaryExpiresAt: number | null;
}

/** The signed-in user as the request guard needs it, read fresh at every request (SEC-SES-04). */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  passwordTemporary: boolean;
  passwordExpiresAt: number | null;
  /**
   * The same row as the outside sees it, lockout included, so a handler about the signed-in user
   * (GET /api/v1/me) need not read it again.
   */
  user: User;
}

/** The credentials of a users row, also of one read by auth's sign-in query (sign-in.store.ts). */
export function credentialsFromRow(row: store.UserRow): Credentials {
  return {
    user: presentUser(row),
    passwordHash: row.passwordHash,
    status: row.status,
    temporary: row.passwordTemporary === 1,
    temporaryExpiresAt: row.passwordExpiresAt,
  };
}

export async function findCredentialsByEmail(db: Executor, email: string): Promise<Credentials | null> {
  const row = await store.findByEmail(db, email);
  return row ? credentialsFromRow(row) : null;
}

export async function findCredentialsById(db: Executor, id: string): Promise<Credentials | null> {
  const row = await store.findById(db, id);
  return row ? credentialsFromRow(row) : null;
}

/**
 * The principal of a users row read by the request guard's one query (docs/adr/0003), with the
 * account's lockout end if one runs now.
 */
export function principalFromRow(
  row: Omit<store.UserRow, 'passwordHash'>,
  lockedUntil: number | null,
): Principal {
  const user = presentUser(row);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    passwordTemporary: row.passwordTemporary === 1,
    passwordExpiresAt: row.passwordExpiresAt,
    user: lockedUntil === null ? user : { ...user, lockedUntil: new Date(lockedUntil).toISOString() },
  };
}

export async function recordSignIn(
  exec: Executor,
  id: string,
  at: number,
  upgradedHash?: string,
): Promise<void> {
  await store.update(exec, id, { lastSignInAt: at, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) });
}

/** The user's own choice of password: never temporary, never expiring. */
export async function replaceOwnPassword(
  exec: Executor,
  id: string,
  passwordHash: string,
  at: number,
): Promise<void> {
  await store.update(exec, id, {
    passwordHash,
    passwordTemporary: 0,
    passwordExpiresAt: null,
    passwordChangedAt: at,
    updatedAt: at,
  });
}

/**
 * The user proved their current address by using a link mailed to it (the OpenID claim
 * `email_verified`, the API's `emailVerified`); an address verified before keeps its first date.
 */
export async function markEmailVerified(exec: Executor, id: string, at: number): Promise<void> {
  await exec
    .updateTable('users')
    .set({ emailVerifiedAt: at })
    .where('id', '=', id)
    .where('emailVerifiedAt', 'is', null)
    .execute();
}

/** An admin's reset (SEC-TMP-01): the password is temporary and expires at `expiresAt`. */
export async function setTemporaryPassword(
  exec: Executor,
  id: string,
  passwordHash: string,
  at: number,
  expiresAt: number,
): Promise<void> {
  await store.update(exec, id, {
    passwordHash,
    passwordTemporary: 1,
    passwordExpiresAt: expiresAt,
    passwordChangedAt: at,
    updatedAt: at,
  });
}

/**
 * Removes a user's password ("Reset access" with scope all, issue 13): nothing signs in with it any
 * more; the user sets a new one through the single-use link the admin's reset issues.
 */
export async function removePassword(exec: Executor, id: string, at: number): Promise<void> {
  await store.update(exec, id, {
    passwordHash: null,
    passwordTemporary: 0,
    passwordExpiresAt: null,
    passwordChangedAt: at,
    updatedAt: at,
  });
}
