import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses, NameInput } from '../../http/schemas.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { updateSettings } from './settings.service.js';
import type { LiveSettings } from './live-settings.js';
import { MfaPolicyPatch, MfaPolicySchema, presentMfaPolicy } from './mfa-policy.js';
import { SETTING_KEYS, type OrgSettings } from './settings.service.js';
import { readSettingSources, type SettingSource } from './setting-sources.js';
import { isHttpsUrl } from '../../config/config.js';

const present = (settings: OrgSettings, sources: Record<keyof OrgSettings, SettingSource>) => ({
  ...settings,
  mfaPolicy: presentMfaPolicy(settings.mfaPolicy),
  sources,
});

const Source = z.enum(['database', 'environment', 'default']);
const intRange = (min: number, max: number) => z.number().int().min(min).max(max).optional();

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
    selfResetLinkMinutes: z.number().int().meta({ description: 'Forgot password and lockout links' }),
    adminResetLinkHours: z.number().int().meta({ description: 'Reset links an admin sends' }),
    invitationLinkHours: z.number().int(),
    logoUrl: z.string().nullable().meta({
      description: 'https only; shown at the top of HTML mail and of the console’s signed-out pages',
    }),
    sources: z
      .object(
        Object.fromEntries(SETTING_KEYS.map((key) => [key, Source])) as Record<
          keyof OrgSettings,
          typeof Source
        >,
      )
      .meta({
        description:
          'Where each value in force comes from: database (saved in Settings, overrides the environment), ' +
          'environment (its variable is set), or default.',
      }),
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
    selfResetLinkMinutes: intRange(5, 120),
    adminResetLinkHours: intRange(1, 24 * 7),
    invitationLinkHours: intRange(1, 24 * 30),
    logoUrl: z
      .string()
      .max(2048)
      .refine(isHttpsUrl, { error: 'must be an https:// URL' })
      .nullable()
      .optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { error: 'give at least one setting' });

const sourcesOf = (deps: { db: Db; settings: LiveSettings }) =>
  readSettingSources(deps.db, deps.settings.environment.givenVariables);

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
    handler: async () => present(await deps.settings.refresh(), await sourcesOf(deps)),
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
      return present(await deps.settings.refresh(), await sourcesOf(deps));
    },
  });
}
