import { z } from 'zod';
import { EmailInput, NameInput, PasswordInput } from '../../http/schemas.js';
import { UserSchema } from '../users/index.js';

export const SignInBody = z.strictObject({ email: EmailInput, password: PasswordInput });

export const SignInResponse = z
  .object({
    user: UserSchema,
    passwordChangeRequired: z.boolean(),
    mfaEnrollmentRequired: z
      .literal(true)
      .optional()
      .meta({ description: 'The role requires two-step verification: set up a factor first' }),
  })
  .meta({ id: 'SignIn' });

/** A correct password for a user with a factor: the session waits for the second step (SEC-MFA-05). */
export const SecondStepRequired = z
  .object({
    mfaRequired: z.literal(true),
    methods: z.array(z.enum(['totp', 'passkey', 'recovery_code'])),
  })
  .meta({ id: 'SecondStepRequired' });

export const SetupBody = z.strictObject({
  token: z.string().min(1).max(128),
  email: EmailInput,
  name: NameInput,
  password: PasswordInput,
});

export const MeResponse = z
  .object({
    user: UserSchema,
    passwordChangeRequired: z.boolean(),
    passwordPolicy: z
      .object({ minLength: z.number().int(), maxLength: z.number().int() })
      .meta({ description: 'What a new password must satisfy, for live feedback while typing one.' }),
    canInvite: z.boolean().meta({
      description:
        'Whether this user may invite people: admins always, members while the organization allows it (membersMayInvite).',
    }),
    defaultLocale: z.string().meta({
      description:
        "The organization's default language (setting defaultLocale): what a user whose locale is null gets, in mail and in the console.",
    }),
  })
  .meta({ id: 'Me' });

/** Own preferences: only the language (SEC-AZ-03: role, name, anything else → 400). */
export const UpdateMeBody = z.strictObject({
  locale: z.enum(['en', 'fr']).nullable().meta({ description: 'null follows the organization default' }),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: PasswordInput,
  newPassword: PasswordInput,
});

export const SessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

export const SessionList = z.object({ items: z.array(SessionSchema) });
