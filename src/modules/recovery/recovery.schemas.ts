import { z } from 'zod';
import { EmailInput, PasswordInput } from '../../http/schemas.js';

export const Accepted = z.object({ message: z.string() }).meta({ id: 'Accepted' });
export const ForgotPasswordBody = z.strictObject({ email: EmailInput });
export const TokenQuery = z.strictObject({ token: z.string().min(1).max(128) });
export const ResetStatus = z.object({
  usable: z.literal(true),
  minPasswordLength: z.number().int(),
  account: z.object({ name: z.string(), maskedEmail: z.string() }).meta({
    description: 'Whose account the link resets: the name and the address with its local part masked.',
  }),
  contextWords: z.array(z.string()).meta({
    description:
      'Words the new password must not contain (the name, the address, the organization), lower-cased.',
  }),
});
export const CompleteResetBody = z.strictObject({
  token: z.string().min(1).max(128),
  newPassword: PasswordInput,
});

export const ResetPasswordBody = z.union([
  z.strictObject({ password: PasswordInput }),
  z.strictObject({ generate: z.literal(true) }),
]);

export const ResetPasswordResponse = z.object({
  generatedPassword: z
    .string()
    .optional()
    .meta({ description: 'Only when generate was true. Shown this once; it is never stored in clear.' }),
});

export const ResetLinkBody = z.strictObject({ send: z.boolean() });

export const ResetLinkResponse = z.object({
  link: z.string().optional().meta({ description: 'Only when send was false. Shown this once.' }),
  expiresAt: z.string(),
  sent: z.boolean(),
});
