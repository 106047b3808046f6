import { z } from 'zod';
import { EmailInput, PlainText } from '../../http/schemas.js';

export const DeletedUser = z
  .object({ id: z.string(), deletedAt: z.string() })
  .meta({ id: 'DeletedUser', description: 'The tombstone the audit events keep pointing at' });

export const ChangeEmailBody = z.strictObject({ email: EmailInput });

export const PendingEmailChange = z
  .object({
    pendingEmail: z
      .string()
      .meta({ description: 'The address waiting for its confirmation link to be used' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'PendingEmailChange' });

export const MyEmailChange = z.object({ pending: PendingEmailChange.nullable() });

export const ConfirmEmailBody = z.strictObject({ token: z.string().min(1).max(128) });

export const ConfirmedEmail = z.object({ email: z.string() });

export const UserSessionParams = z.strictObject({
  id: PlainText(64).min(1),
  sessionId: PlainText(64).min(1),
});

export const UserSession = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'UserSession' });

export const UserSessionList = z.object({ items: z.array(UserSession) });
