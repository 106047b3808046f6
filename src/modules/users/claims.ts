import type { Executor } from '../../db/db.js';
import type { Role, UserStatus } from './users.table.js';

/** What an app may learn about a user (OpenID claims), read fresh at each token or userinfo request. */
export interface AccountClaims {
  id: string;
  email: string;
  /** True once the user proved the current address (invitation accepted, a mailed link used). */
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
    .select(['id', 'email', 'name', 'locale', 'role', 'status', 'passwordTemporary', 'emailVerifiedAt'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    // Set by a used mailed link (invitation, Forgot password, email confirmation); cleared when an admin
    // changes the address (change-email.ts), so the claim never vouches for an address nobody proved.
    emailVerified: row.emailVerifiedAt !== null,
    name: row.name,
    locale: row.locale,
    role: row.role,
    status: row.status,
    passwordTemporary: row.passwordTemporary === 1,
  };
}
