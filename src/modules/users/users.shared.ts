import type { Executor } from '../../db/db.js';
import { presentUser, type User } from './users.presenter.js';
import { userErrors } from './users.errors.js';
import * as store from './users.store.js';

/** How a user appears as an audit event's target. */
export const target = (u: { id: string; email: string }) => ({ id: u.id, label: u.email });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function searchText(email: string, name: string): string {
  return `${email} ${name}`.toLowerCase();
}

export async function requireUser(exec: Executor, id: string): Promise<store.UserRow> {
  const row = await store.findById(exec, id);
  if (!row) throw userErrors.user_not_found();
  return row;
}

/** Refuses a change that would leave no active admin (SEC-AZ-04). */
export async function assertAnotherActiveAdmin(exec: Executor, userId: string): Promise<void> {
  const admins = await store.lockActiveAdmins(exec);
  if (!admins.some((id) => id !== userId)) throw userErrors.last_admin();
}

/** The user as the outside sees it, with the end of a running sign-in lockout. */
export function withLock(user: User, locks: Map<string, number>): User {
  const until = locks.get(user.email);
  return until ? { ...user, lockedUntil: new Date(until).toISOString() } : user;
}

export { presentUser };
