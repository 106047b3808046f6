import { z } from 'zod';
import type { Executor } from '../../db/db.js';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses, PlainText } from '../../http/schemas.js';
import { MeResponse } from './auth.schemas.js';
import { SetupState, setupStatus } from './first-run.js';
import type { SettingsReader } from '../../config/settings-in-force.js';
import { meOf } from './me.js';

const SessionProbe = z
  .object({
    me: MeResponse.nullable().meta({
      description:
        'The signed-in user as GET /api/v1/me gives it; null when signed out, when the session ended, or while a second step is pending.',
    }),
    setupPending: z
      .boolean()
      .meta({ description: 'No user exists yet: the first admin is still to be created.' }),
  })
  .meta({ id: 'SessionProbe' });

const SetupStatusQuery = z.strictObject({ token: PlainText(128).min(1).optional() });

const SetupStatus = z
  .object({
    pending: z.boolean().meta({ description: 'No user exists yet.' }),
    link: z.enum(['valid', 'unknown', 'absent']).meta({
      description:
        'valid: the token was issued and setup is pending; unknown: never issued, or already used (setup is done); absent: no token given.',
    }),
    passwordPolicy: z.object({ minLength: z.number().int(), maxLength: z.number().int() }),
    organizationName: z.string(),
  })
  .meta({ id: 'SetupStatus' });

/**
 * The console's signed-out questions, answered without an error status: is anyone signed in (a 401
 * from GET /api/v1/me would be logged by the browser on every signed-out page), is setup pending,
 * and is this setup link usable. GET /api/v1/me keeps its contract (401 when signed out) for API clients.
 */
export function registerFirstRunRoutes(
  app: ApiApp,
  deps: {
    db: Executor;
    settings: SettingsReader;
  },
): void {
  const setup = new SetupState();

  app.get('/api/v1/auth/session', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Who is signed in, quietly: 200 with me = null when nobody is (the console’s probe)',
      description:
        'The same user as GET /api/v1/me, without a 401 when signed out, and whether first-run setup is pending. ' +
        'A session whose second step or required enrollment is pending answers me = null.',
      // 429: a credential with too many requests in flight (SEC-PS-02), as on every route.
      response: { 200: SessionProbe, ...errorResponses(429) },
    },
    handler: async (request) => {
      const principal = request.principal;
      const restricted = (request.sessionState?.restriction ?? null) !== null;
      if (!principal || restricted) {
        // A signed-in user proves setup is done; only a signed-out probe may need to ask.
        return { me: null, setupPending: principal ? false : await setup.pending(deps.db) };
      }
      return {
        me: meOf(principal.user, deps.settings.current()),
        setupPending: false,
      };
    },
  });

  app.get('/api/v1/setup/status', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Whether first-run setup is pending and a setup link usable; the password policy to meet',
      querystring: SetupStatusQuery,
      response: { 200: SetupStatus, ...errorResponses(400) },
    },
    handler: async (request) => {
      const status = await setupStatus(deps.db, setup, request.query.token);
      const { password, organizationName } = deps.settings.current();
      return { ...status, passwordPolicy: { ...password }, organizationName };
    },
  });
}
