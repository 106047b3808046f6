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

export const ListUsersQuery = z.strictObject({
  q: PlainText(200).optional(),
  role: RoleInput.optional(),
  status: z
    .enum(['active', 'deactivated', 'locked'])
    .optional()
    .meta({ description: 'locked: users whose sign-in is locked now (too many failed attempts)' }),
  sort: z.enum(['name', 'email', 'createdAt', 'lastSignInAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: PlainText(1024).optional(),
});

export const UserPage = z
  .object({ items: z.array(UserSchema), nextCursor: z.string().nullable(), total: z.number().int() })
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
