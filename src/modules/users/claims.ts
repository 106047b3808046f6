import { sql } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { Role, UserStatus } from './users.table.js';

/** What an app may learn about a user (OpenID claims), read fresh at each token or userinfo request. */
export interface AccountClaims {
  id: string;
  email: string;
  /** True while the current address is the one the user proved (invitation accepted, mailed link used). */
  emailVerified: boolean;
  name: string;
  locale: string | null;
  role: Role;
  status: UserStatus;
  passwordTemporary: boolean;
}

export async function findAccountClaims(exec: Executor, id: string): Promise<AccountClaims | undefined> {
  const row = await exec
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale', 'role', 'status', 'passwordTemporary'])
    // Migration 0010's column, kept out of UsersTable so the user row type every module shares is unchanged.
    .select(sql<string | null>`verified_email`.as('verifiedEmail'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.verifiedEmail !== null && row.verifiedEmail === row.email,
    name: row.name,
    locale: row.locale,
    role: row.role,
    status: row.status,
    passwordTemporary: row.passwordTemporary === 1,
  };
}
