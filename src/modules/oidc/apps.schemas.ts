import { z } from 'zod';
import { NameInput, RoleInput } from '../../http/schemas.js';

const Uri = z.string().min(1).max(2000);
const Uris = z.array(Uri).max(20);

export const AppTypeInput = z.enum(['web', 'spa', 'native', 'service']);

export const AppSchema = z
  .object({
    id: z.string(),
    clientId: z.string(),
    name: z.string(),
    type: AppTypeInput,
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    backchannelLogoutUri: z.string().nullable(),
    allowedRoles: z.array(RoleInput),
    firstParty: z.boolean(),
    idTokenAlg: z.enum(['ES256', 'RS256']),
    hasSecret: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'App' });

export const CreateAppBody = z.strictObject({
  name: NameInput,
  type: AppTypeInput,
  redirectUris: Uris.default([]),
  postLogoutRedirectUris: Uris.default([]),
  backchannelLogoutUri: Uri.nullable().optional(),
  allowedRoles: z.array(RoleInput).min(1).max(3),
  firstParty: z.boolean().default(false),
  idTokenAlg: z.enum(['ES256', 'RS256']).optional(),
});

export const UpdateAppBody = z
  .strictObject({
    name: NameInput.optional(),
    redirectUris: Uris.optional(),
    postLogoutRedirectUris: Uris.optional(),
    backchannelLogoutUri: Uri.nullable().optional(),
    allowedRoles: z.array(RoleInput).min(1).max(3).optional(),
    firstParty: z.boolean().optional(),
    idTokenAlg: z.enum(['ES256', 'RS256']).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: 'nothing to change' });

export const RotateSecretBody = z.strictObject({ overlapHours: z.number().int().min(0).max(720).default(0) });

export const CreatedApp = z.object({ app: AppSchema, clientSecret: z.string().optional() });

export const ConnectedApp = z
  .object({ id: z.string(), name: z.string(), type: AppTypeInput, firstParty: z.boolean() })
  .meta({ id: 'ConnectedApp' });

export const LogoutDeliverySchema = z
  .object({
    id: z.number(),
    userId: z.string(),
    clientId: z.string(),
    reason: z.string(),
    createdAt: z.string(),
    attempts: z.number(),
    status: z.enum(['pending', 'sent', 'failed']),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'LogoutDelivery' });
