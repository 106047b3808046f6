import { z } from 'zod';
import { EmailInput, NameInput, PasswordInput, PlainText, RoleInput } from '../../http/schemas.js';
import { hasDisguisingCharacters } from '../../shared/text.js';
import { UserSchema } from '../users/index.js';
import type { BulkRow } from './bulk-invitations.js';

export const InvitationStatusInput = z.enum(['pending', 'accepted', 'expired', 'revoked']);

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleInput,
    name: z.string().nullable(),
    status: InvitationStatusInput.meta({
      description: "'expired': still pending but past its 72 h, or replaced by a newer invitation.",
    }),
    inviter: z.object({ id: z.string().nullable(), name: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    userId: z.string().nullable().meta({ description: 'The user the invitation became, once accepted.' }),
  })
  .meta({ id: 'Invitation' });

export const MAX_INVITATION_MESSAGE = 500;
const MAX_INVITATION_MESSAGE_LINES = 10;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const MARKUP = /<\s*[a-z!/?]/i;
const LINK = /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\bmailto:/i;

/**
 * The inviter's own words in the invitation mail (issue 10, item 7): whoever may invite writes in
 * the organization's name, so the text is plain text only, short, and without links — the mail's
 * one link is the invitation's own, so a member cannot turn invitations into phishing mail. It is
 * rendered as text (escaped in the HTML part); CRLF from a textarea counts as one line break.
 */
export const InvitationMessageInput = z
  .string()
  .transform((v) => v.replace(/\r\n/g, '\n'))
  .pipe(
    z
      .string()
      .refine((v) => !hasDisguisingCharacters(v), {
        error: 'must not contain bidirectional overrides or zero-width characters',
      })
      .trim()
      .min(1)
      .max(MAX_INVITATION_MESSAGE)
      .refine((v) => !CONTROL_BUT_LINE_FEED.test(v), {
        error: 'must be plain text: no control characters other than line breaks',
      })
      .refine((v) => v.split('\n').length <= MAX_INVITATION_MESSAGE_LINES, {
        error: `must be at most ${MAX_INVITATION_MESSAGE_LINES} lines`,
      })
      .refine((v) => !MARKUP.test(v), { error: 'must be plain text, not HTML' })
      .refine((v) => !LINK.test(v), { error: 'must not contain links' }),
  )
  .meta({ description: `Plain text, at most ${MAX_INVITATION_MESSAGE} characters and 10 lines, no links.` });

/** One invitation to create: the same rules for the API, the bulk rows and the CSV import (SEC-IN-02/03). */
export const CreateInvitationBody = z.strictObject({
  email: EmailInput,
  role: RoleInput,
  name: NameInput.optional(),
  message: InvitationMessageInput.optional(),
});

export const InvitationResponse = z.object({ invitation: InvitationSchema });

export const ListInvitationsQuery = z.strictObject({
  status: InvitationStatusInput.optional(),
  q: PlainText(254).optional().meta({ description: 'Part of the email, case-insensitive.' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: PlainText(1024).optional(),
});

export const InvitationPage = z
  .object({ items: z.array(InvitationSchema), nextCursor: z.string().nullable(), total: z.number().int() })
  .meta({ id: 'InvitationPage' });

export const TokenQuery = z.strictObject({ token: PlainText(128).min(1) });

export const InvitationPreviewSchema = z
  .object({
    organization: z.string(),
    email: z.string(),
    role: RoleInput,
    inviter: z.string(),
    name: z.string().nullable().meta({ description: 'The name the inviter suggested, if any.' }),
    expiresAt: z.string(),
    minPasswordLength: z.number().int(),
  })
  .meta({ id: 'InvitationPreview' });

export const AcceptInvitationBody = z.strictObject({
  token: z.string().min(1).max(128),
  name: NameInput,
  password: PasswordInput,
});

export const AcceptInvitationResponse = z
  .object({ user: UserSchema, passwordChangeRequired: z.literal(false) })
  .meta({ id: 'AcceptedInvitation' });

export const MAX_BULK_INVITATIONS = 1000;

/** Rows are checked one by one (a bad row is that row's error), so the body only bounds their number. */
export const BulkInvitationsBody = z.strictObject({
  invitations: z
    .array(
      z
        .unknown()
        .meta({ description: 'An object like POST /api/v1/invitations takes: {email, role, name?}' }),
    )
    .min(1)
    .max(MAX_BULK_INVITATIONS),
});

export const BulkInvitationsResponse = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        email: z.string().nullable(),
        status: z.enum(['created', 'error']),
        code: z.string().optional(),
        message: z.string().optional(),
        invitation: InvitationSchema.optional(),
      }),
    ),
  })
  .meta({ id: 'BulkInvitations' });

/** Validates one bulk or CSV row with the single-invitation rules; a failure names the fields. */
export function parseInvitationRow(raw: unknown): BulkRow {
  const parsed = CreateInvitationBody.safeParse(raw);
  if (parsed.success) return { ok: true, input: parsed.data };
  const email = (raw as { email?: unknown } | null)?.email;
  const message = parsed.error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  return {
    ok: false,
    email: typeof email === 'string' ? email.trim().slice(0, 254) : null,
    code: 'validation_failed',
    message,
  };
}
