import { DEFAULT_MFA_POLICY, type MfaPolicy, type RoleMfaRequirement } from '../settings/index.js';
import type { Role } from '../users/index.js';

const DAY_MS = 86_400_000;

export function requiresFactor(policy: MfaPolicy | undefined, role: Role): RoleMfaRequirement {
  return (policy ?? DEFAULT_MFA_POLICY)[role];
}

/**
 * Whether a user without the factor their role requires must set it up before anything else: once
 * the grace period has run, counted from the policy's change or the account's creation, whichever
 * is later. Never a lock-out (SEC-MFA-08): the enrollment is offered right after the password.
 */
export function enrollmentDue(
  policy: MfaPolicy | undefined,
  user: { role: Role; createdAt: string },
  has: { any: boolean; passkey: boolean },
  now: number,
): boolean {
  const requirement = requiresFactor(policy, user.role);
  if (requirement === 'optional') return false;
  if (requirement === 'required' ? has.any : has.passkey) return false;
  const since = Math.max(policy?.changedAt ?? 0, Date.parse(user.createdAt));
  return now >= since + (policy?.graceDays ?? 0) * DAY_MS;
}
