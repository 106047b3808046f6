import type { ColumnType, Generated } from 'kysely';

export type Role = 'admin' | 'member' | 'viewer';
export type UserStatus = 'active' | 'deactivated';

/** Times are epoch milliseconds in both dialects; flags are 0/1 integers. */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  /** Lower-cased name: the sort key for "sort by name". */
  nameKey: string;
  /** Lower-cased "email name": what `q` searches as a substring. */
  search: string;
  role: Role;
  status: UserStatus;
  passwordHash: string | null;
  passwordTemporary: Generated<number>;
  passwordExpiresAt: number | null;
  passwordChangedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** 0 means never; a non-null column keeps keyset paging simple and indexed. */
  lastSignInAt: Generated<number>;
  /** Preferred language for mail and the console (e.g. 'fr'); null follows the organization default. */
  locale: ColumnType<string | null, string | null | undefined, string | null>;
  /** When a mailed link to the current address was last used (null: not proven). Migration 0011. */
  emailVerifiedAt: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Users per (role, status), kept by triggers on users (migration 0006): list totals without a COUNT. */
export interface UserCountsTable {
  role: Role;
  status: UserStatus;
  n: number;
}
