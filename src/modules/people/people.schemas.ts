import { z } from 'zod';
import { PlainText, RoleInput } from '../../http/schemas.js';
import { InvitationSchema } from '../invitations/index.js';
import { ManagedUser } from '../users/index.js';

export const ListPeopleQuery = z.strictObject({
  q: PlainText(254).optional().meta({ description: 'Part of the name or email, case-insensitive.' }),
  role: RoleInput.optional(),
  status: z
    .enum(['active', 'deactivated', 'locked', 'invited'])
    .optional()
    .meta({ description: 'One kind of people; users and pending invitations when absent.' }),
  mfa: z
    .enum(['enabled', 'disabled'])
    .optional()
    .meta({ description: 'Users with two-step verification on or off (leaves invitations out).' }),
  sort: z
    .enum(['name', 'email', 'createdAt', 'lastSignInAt'])
    .default('name')
    .meta({ description: "createdAt: a user's creation, an invitation's sending." }),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: PlainText(1024).optional(),
});

export const PersonSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), user: ManagedUser }),
    z.object({ kind: z.literal('invitation'), invitation: InvitationSchema }),
  ])
  .meta({ id: 'Person' });

export const PeoplePage = z
  .object({
    items: z.array(PersonSchema),
    nextCursor: z.string().nullable(),
    total: z.object({
      users: z.number().int(),
      invited: z.number().int().meta({ description: 'Pending invitations matching the filters' }),
    }),
  })
  .meta({ id: 'PeoplePage' });

const Ids = z
  .array(PlainText(64).min(1))
  .meta({ description: 'User ids (role, deactivate) or invitation ids (resend, revoke): 1 to 500.' });

export const BulkPeopleBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('resend'), ids: Ids }),
  z.strictObject({ action: z.literal('revoke'), ids: Ids }),
  z.strictObject({ action: z.literal('deactivate'), ids: Ids }),
  z.strictObject({ action: z.literal('role'), role: RoleInput, ids: Ids }),
]);

export const BulkPeopleResponse = z
  .object({
    succeeded: z.array(z.string()),
    refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
  })
  .meta({ id: 'BulkPeopleResult' });
