import type { Executor } from '../../db/db.js';
import { preparedQuery } from '../../db/prepared.js';
import { nowSql } from '../../db/time.js';

/**
 * The request guard's reads (docs/adr/0003): the credential (a session or an API token), its user
 * and the user's lockout, in one query, compiled once. The one place where a module reads other
 * modules' tables: every signed-in request passes here, and one round trip instead of three is most
 * of what GET /api/v1/me costs on PostgreSQL. Only reads; every rule stays with its module.
 */
const USER_COLUMNS = [
  'users.id',
  'users.email',
  'users.name',
  'users.nameKey',
  'users.search',
  'users.role',
  'users.status',
  'users.passwordTemporary',
  'users.passwordExpiresAt',
  'users.passwordChangedAt',
  'users.createdAt',
  'users.updatedAt',
  'users.lastSignInAt',
  'users.locale',
  'users.emailVerifiedAt',
] as const;

/**
 * `now` is nowValue()'s: bound (SQLite, tests' clock), or null for the database's own time, evaluated
 * in this statement and returned as `dbNow` so the expiry rules compare with it (SEC-BF-06) at no
 * extra round trip.
 */
export const bySessionHash = preparedQuery((exec: Executor, tokenHash: string, now: number | null) =>
  exec
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .leftJoin('accountThrottle', (join) =>
      join
        .onRef('accountThrottle.key', '=', 'users.email')
        .on('accountThrottle.lockedUntil', '>', nowSql(exec, now)),
    )
    .select(USER_COLUMNS)
    .select([
      nowSql(exec, now).as('dbNow'),
      'sessions.id as credentialId',
      'sessions.lastSeenAt as sessionLastSeenAt',
      'sessions.expiresAt as sessionExpiresAt',
      'sessions.restriction as sessionRestriction',
      'sessions.authenticatedAt as sessionAuthenticatedAt',
      'sessions.createdAt as sessionCreatedAt',
      'accountThrottle.lockedUntil as lockedUntil',
    ])
    .where('sessions.tokenHash', '=', tokenHash),
);

export const byTokenHash = preparedQuery((exec: Executor, tokenHash: string, now: number | null) =>
  exec
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .leftJoin('accountThrottle', (join) =>
      join
        .onRef('accountThrottle.key', '=', 'users.email')
        .on('accountThrottle.lockedUntil', '>', nowSql(exec, now)),
    )
    .select(USER_COLUMNS)
    .select([
      nowSql(exec, now).as('dbNow'),
      'apiTokens.id as credentialId',
      'apiTokens.lastUsedAt as tokenLastUsedAt',
      'apiTokens.expiresAt as tokenExpiresAt',
      'accountThrottle.lockedUntil as lockedUntil',
    ])
    .where('apiTokens.tokenHash', '=', tokenHash),
);
