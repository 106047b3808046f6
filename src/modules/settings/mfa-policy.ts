import { z } from 'zod';

/** What a role requires at sign-in (SEC-MFA-05/08): nothing, any factor, or a passkey. */
export type RoleMfaRequirement = 'optional' | 'required' | 'passkey';

export interface MfaPolicy {
  admin: RoleMfaRequirement;
  member: RoleMfaRequirement;
  viewer: RoleMfaRequirement;
  /** Days a user may still sign in without the factor their role requires, from the policy change or their account's creation. */
  graceDays: number;
  /** When the policy last changed (ms), set by the server: where the grace period starts. */
  changedAt: number;
}

export const DEFAULT_MFA_POLICY: MfaPolicy = {
  admin: 'optional',
  member: 'optional',
  viewer: 'optional',
  graceDays: 0,
  changedAt: 0,
};

const Requirement = z.enum(['optional', 'required', 'passkey']);

export const MfaPolicySchema = z
  .object({
    admin: Requirement,
    member: Requirement,
    viewer: Requirement,
    graceDays: z.number().int(),
    changedAt: z.string().nullable(),
  })
  .meta({ id: 'MfaPolicy' });

export const MfaPolicyPatch = z.strictObject({
  admin: Requirement,
  member: Requirement,
  viewer: Requirement,
  graceDays: z.number().int().min(0).max(365),
});

/** The policy as the API shows it: the change time as an ISO date (null: never changed). */
export function presentMfaPolicy(policy: MfaPolicy) {
  return { ...policy, changedAt: policy.changedAt > 0 ? new Date(policy.changedAt).toISOString() : null };
}
