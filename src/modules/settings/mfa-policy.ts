import { z } from 'zod';

import type { MfaPolicy } from '../../config/settings-in-force.js';

export {
  DEFAULT_MFA_POLICY,
  type MfaPolicy,
  type RoleMfaRequirement,
} from '../../config/settings-in-force.js';

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
