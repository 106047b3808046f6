import type { UserRow } from './users.store.js';
import type { Role, UserStatus } from './users.table.js';

/** What the outside sees of a user: never a password hash (SEC-AZ-05). */
export interface User {
  id: string;
  email: string;
  /** Whether a link mailed to this address was used (invitation accepted, email change confirmed). */
  emailVerified: boolean;
  name: string;
  role: Role;
  status: UserStatus;
  passwordChangeRequired: boolean;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
  locale: string | null;
  /** Set while a sign-in lockout runs (SEC-BF-01); admins can lift it. */
  lockedUntil: string | null;
}

export function presentUser(row: Omit<UserRow, 'passwordHash'>): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    name: row.name,
    role: row.role,
    status: row.status,
    passwordChangeRequired: row.passwordTemporary === 1,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    lastSignInAt: row.lastSignInAt > 0 ? new Date(row.lastSignInAt).toISOString() : null,
    locale: row.locale,
    lockedUntil: null,
  };
}
