import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses, NameInput } from '../../http/schemas.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { updateSettings } from './settings.service.js';
import type { LiveSettings } from './live-settings.js';
import { MfaPolicyPatch, MfaPolicySchema, presentMfaPolicy } from './mfa-policy.js';
import type { OrgSettings } from './settings.service.js';

const present = (settings: OrgSettings) => ({ ...settings, mfaPolicy: presentMfaPolicy(settings.mfaPolicy) });

const SettingsSchema = z
  .object({
    organizationName: z.string(),
    defaultLocale: z.string(),
    membersMayInvite: z.boolean(),
    passwordMinLength: z.number().int(),
    sessionIdleMinutes: z.number().int(),
    sessionAbsoluteHours: z.number().int(),
    temporaryPasswordHours: z.number().int(),
    mfaPolicy: MfaPolicySchema,
  })
  .meta({ id: 'Settings' });

const SettingsPatch = z
  .strictObject({
    organizationName: NameInput.optional(),
    defaultLocale: z.enum(['en', 'fr']).optional(),
    membersMayInvite: z.boolean().optional(),
    passwordMinLength: z.number().int().min(8).max(256).optional(),
    sessionIdleMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    sessionAbsoluteHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
    temporaryPasswordHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
    mfaPolicy: MfaPolicyPatch.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { error: 'give at least one setting' });

export function registerSettingsRoutes(
  app: ApiApp,
  deps: { db: Db; clock: Clock; settings: LiveSettings },
): void {
  app.get('/api/v1/settings', {
    config: { access: 'admin' },
    schema: {
      tags: ['settings'],
      summary: 'Organization settings',
      response: { 200: SettingsSchema, ...errorResponses(401, 403) },
    },
    handler: async () => present(await deps.settings.refresh()),
  });

  app.patch('/api/v1/settings', {
    config: { access: 'admin' },
    schema: {
      tags: ['settings'],
      summary: 'Change organization settings (each change audited old → new)',
      body: SettingsPatch,
      response: { 200: SettingsSchema, ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async (request) => {
      await updateSettings(deps, actorOf(request), deps.settings.defaults, request.body);
      return present(await deps.settings.refresh());
    },
  });
}
