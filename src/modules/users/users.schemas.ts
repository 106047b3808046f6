import { z } from 'zod';
import { EmailInput, NameInput, PasswordInput, PlainText, RoleInput } from '../../http/schemas.js';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    emailVerified: z
      .boolean()
      .meta({ description: 'A link mailed to this address was used (invitation or email confirmation)' }),
    name: z.string(),
    role: RoleInput,
    status: z.enum(['active', 'deactivated']),
    passwordChangeRequired: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastSignInAt: z.string().nullable(),
    locale: z.string().nullable(),
    lockedUntil: z.string().nullable(),
  })
  .meta({ id: 'User' });

/** Two-step verification as an admin sees it: counts only, never a secret or a factor's name (issue 13). */
export const MfaSummarySchema = z
  .object({
    enabled: z.boolean(),
    totp: z.number().int(),
    passkeys: z.number().int(),
    recoveryCodesRemaining: z.number().int(),
  })
  .meta({ id: 'MfaSummary' });

/** A user in Manage users: the user, with their two-step verification summary. */
export const ManagedUser = UserSchema.extend({ mfa: MfaSummarySchema }).meta({ id: 'ManagedUser' });

export const ListUsersQuery = z.strictObject({
  q: PlainText(200).optional(),
  role: RoleInput.optional(),
  status: z
    .enum(['active', 'deactivated', 'locked'])
    .optional()
    .meta({ description: 'locked: users whose sign-in is locked now (too many failed attempts)' }),
  mfa: z.enum(['enabled', 'disabled']).optional().meta({ description: 'Two-step verification on or off' }),
  sort: z.enum(['name', 'email', 'createdAt', 'lastSignInAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: PlainText(1024).optional(),
});

export const UserPage = z
  .object({ items: z.array(ManagedUser), nextCursor: z.string().nullable(), total: z.number().int() })
  .meta({ id: 'UserPage' });

export const CreateUserBody = z.union([
  z.strictObject({ email: EmailInput, name: NameInput, role: RoleInput, password: PasswordInput }),
  z.strictObject({ email: EmailInput, name: NameInput, role: RoleInput, generatePassword: z.literal(true) }),
]);

export const CreatedUser = z.object({ user: UserSchema, generatedPassword: z.string().optional() });

export const UpdateUserBody = z
  .strictObject({ name: NameInput.optional(), role: RoleInput.optional() })
  .refine((b) => b.name !== undefined || b.role !== undefined, { error: 'give name or role' });

export const SessionsEnded = z.object({ sessionsEnded: z.number().int(), tokensRevoked: z.number().int() });
