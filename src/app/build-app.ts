import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from '../config/config.js';
import type { DbHandle } from '../db/db.js';
import { StorageMonitor } from '../db/storage.js';
import { registerAccessGuard } from '../http/access-guard.js';
import { registerCredentialAdmission } from '../http/credential-admission.js';
import { declaredAccess, type Access } from '../http/types.js';
import { limitConnections } from '../http/connection-limits.js';
import { registerCrossSiteProtection } from '../http/cross-site.js';
import { clientErrorHandler, registerErrorHandling, sendFrameworkError } from '../http/error-handler.js';
import { registerOpenApi } from '../http/openapi.js';
import { registerSecurityHeaders, setSecurityHeaders } from '../http/security-headers.js';
import { serializerCompiler } from '../http/serializer.js';
import { actorOf } from '../http/context.js';
import { createRepeatedEvents, type RepeatedEvents } from '../modules/audit/index.js';
import { registerAuditRoutes } from '../modules/audit/audit.routes.js';
import { registerAuthRoutes } from '../modules/auth/auth.routes.js';
import { registerFirstRunRoutes } from '../modules/auth/first-run.routes.js';
import { principalOfSession, principalOfToken } from '../modules/auth/index.js';
import { registerSecondStepRoutes } from '../modules/auth/second-step.routes.js';
import { registerPasskeySignInRoutes } from '../modules/auth/passkey-sign-in.routes.js';
import { invitationsOfInviter, personalDataOfInvitations } from '../modules/invitations/index.js';
import { registerInvitationLinkRoutes } from '../modules/invitations/invitation-links.routes.js';
import { mfaSummaries } from '../modules/mfa/index.js';
import { registerMfaRoutes, registerResetAccessRoutes } from '../modules/mfa/mfa.routes.js';
import { registerPasskeyRoutes } from '../modules/mfa/passkeys.routes.js';
import { registerInvitationRoutes } from '../modules/invitations/invitations.routes.js';
import {
  createDispatcher,
  createLogTransport,
  createSmtpTransport,
  DEFAULT_DISPATCHER,
  type Dispatcher,
  type DispatcherOptions,
  type MailTransport,
} from '../modules/mail/index.js';
import { registerMailAdminRoutes } from '../modules/mail/mail-admin.routes.js';
import { registerOutboxRoutes } from '../modules/mail/outbox.routes.js';
import { registerOidc, type OidcHandle } from '../modules/oidc/index.js';
import { LiveSettings } from '../modules/settings/index.js';
import { registerSettingsRoutes } from '../modules/settings/settings.routes.js';
import { registerBrandingRoutes } from '../modules/settings/branding.routes.js';
import type { PasswordHasher } from '../modules/passwords/index.js';
import { sessionCookie } from '../modules/sessions/index.js';
import { registerTokenRoutes } from '../modules/tokens/tokens.routes.js';
import { registerRecoveryRoutes } from '../modules/recovery/recovery.routes.js';
import { getUser, peopleMatching, tokenOwners } from '../modules/users/index.js';
import { registerUserLifecycleRoutes } from '../modules/users/lifecycle.routes.js';
import { registerUsersRoutes } from '../modules/users/users.routes.js';
import { registerPeopleRoutes } from '../modules/people/people.routes.js';
import type { Clock } from '../shared/clock.js';
import { createClockOffsetMonitor, type ClockOffsetMonitor } from './clock-offset.js';
import { newId } from '../shared/crypto.js';
import type { SecretBox } from '../shared/secret-box.js';
import { registerConsole } from './console.js';
import { registerHealthRoutes } from './health.js';
import { registerMetrics } from './metrics.js';
import { loggerOptions } from './logging.js';

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
  allowTemporaryPassword: boolean;
  /** Open to a session whose second step is pending / that must enroll first (SEC-MFA-05). */
  allowMfaPending: boolean;
  allowMfaEnrollment: boolean;
  reauthentication: 'always' | 'adminTarget' | null;
  /** The OpenID Provider's own endpoints, which other sites' apps call by design (no cross-site check). */
  crossSiteOpen: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
    mail: { transport: MailTransport; dispatcher: Dispatcher };
    clockOffset: ClockOffsetMonitor;
    /** Repeated refusals, counted per window instead of one audit event each (issue 10, item 5). */
    auditRepeats: RepeatedEvents;
    /** Seals secrets stored in the database (SEC-MFA-02); one key for every node. */
    secrets: SecretBox;
    /** The OpenID Provider (issue 12): its logout delivery is started by server.ts. */
    oidc: OidcHandle;
  }
}

export interface AppDeps {
  config: Config;
  database: DbHandle;
  clock: Clock;
  hasher: PasswordHasher;
  /** Mail transport; by default SMTP when SMTP_URL is set, else the log. */
  transport?: MailTransport;
  dispatcher?: Partial<DispatcherOptions>;
  logStream?: DestinationStream;
  /** Seals stored secrets: from SECRET_KEY or the SQLite key file (app/secret-keys.ts). */
  secrets: SecretBox;
  /** The console's build output; by default web/dist in the package root. */
  webDist?: string;
}

/** The composition root: wires config, database, modules and HTTP plugins into one Fastify app. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
    genReqId: () => newId(),
    bodyLimit: 1024 * 1024,
    // A request must arrive whole in time, and idle or kept-alive sockets close (SEC-IN-01): a client
    // that sends complete headers and then never finishes the body no longer holds its socket forever.
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      // Node checks the request and headers timeouts on this interval (30 s by default), so they
      // take effect within a second of expiring rather than up to 30 s late.
      connectionsCheckingInterval: 1000,
    },
    routerOptions: { maxParamLength: 200 },
    // Requests Node's HTTP parser refuses get the same error shape and headers as every other answer.
    clientErrorHandler: clientErrorHandler({ https: config.publicUrl.startsWith('https:') }),
    // Malformed URLs are answered before routing and hooks: give them the same headers and error shape.
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(request, reply, { https: config.publicUrl.startsWith('https:') });
      sendFrameworkError(error, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  // The route table: matrix tests (authorization, cross-site, fuzzing) cover every route from it.
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeTable.push({
        method,
        url: route.url,
        access: declaredAccess(route.url, route.config),
        allowTemporaryPassword: route.config?.allowTemporaryPassword === true,
        allowMfaPending: route.config?.allowMfaPending === true,
        allowMfaEnrollment: route.config?.allowMfaEnrollment === true,
        reauthentication: route.config?.reauthentication ?? null,
        crossSiteOpen: route.config?.crossSite === 'open',
      });
    }
  });
  app.decorate('routeTable', routeTable);
  app.decorate('secrets', deps.secrets);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: without a text/plain parser, any other body type is answered 415 (SEC-CSRF-01).
  app.removeContentTypeParser(['text/plain']);

  limitConnections(app.server, { ...config.http, trustProxy: config.trustProxy });
  const storage = new StorageMonitor(database.db, deps.clock, app.log);
  registerErrorHandling(app, { onStorageFull: (error) => storage.noticeError(error) });
  // Organization settings (admin-editable) laid over the environment; a use case reads them with
  // `ctx.settings.current()`, while `ctx.config` is the environment alone. Read before the security
  // headers: a console page's CSP allows the logo in force.
  const settings = new LiveSettings(database.db, config);
  await settings.refresh();
  settings.startRefreshing();
  app.addHook('onClose', () => settings.stop());

  registerSecurityHeaders(app, {
    https: config.publicUrl.startsWith('https:'),
    logoUrl: () => settings.current().logoUrl,
  });
  registerCrossSiteProtection(app, config.publicOrigin);
  await app.register(cookie);

  const transport =
    deps.transport ??
    (config.mail.smtpUrl
      ? createSmtpTransport({
          url: config.mail.smtpUrl,
          from: config.mail.from,
          requireTls: config.mail.requireTls,
          rejectUnauthorized: config.mail.rejectUnauthorized,
        })
      : createLogTransport(app.log));
  const dispatcher = createDispatcher(
    { db: database.db, clock: deps.clock, transport, log: app.log },
    { ...DEFAULT_DISPATCHER, ...deps.dispatcher },
  );
  app.decorate('mail', { transport, dispatcher });
  app.addHook('onClose', async () => {
    await dispatcher.stop();
    transport.close();
  });

  // Refusals a caller can repeat at will are aggregated per window, so no caller can flood the log.
  const auditRepeats = createRepeatedEvents({ db: database.db, clock: deps.clock });
  auditRepeats.start((error) => app.log.error({ err: error }, 'audit: writing aggregated events failed'));
  app.addHook('onClose', () => auditRepeats.stop());
  app.decorate('auditRepeats', auditRepeats);
  const services = {
    db: database.db,
    clock: deps.clock,
    hasher: deps.hasher,
    // Ports a lower module defines and a higher one implements (named, not relayed here).
    invitationsOfInviter,
    personalData: personalDataOfInvitations,
    config,
    settings,
    auditRepeats,
    secrets: deps.secrets,
  };
  registerCredentialAdmission(app, {
    cookieName: sessionCookie(config).name,
    maxInFlight: config.http.maxInFlightPerCredential,
    pauseMs: config.http.floodPauseMs,
  });
  registerAccessGuard(app, {
    cookieName: sessionCookie(config).name,
    floodPauseMs: config.http.floodPauseMs,
    resolveSession: (secret) => principalOfSession(services, secret),
    resolveToken: (token) => principalOfToken(services, token),
    isAdmin: async (id) => (await getUser(services, id).catch(() => null))?.role === 'admin',
    onForbidden: (request) => {
      const route = request.routeOptions.url ?? '';
      return auditRepeats.record(
        actorOf(request),
        { action: 'authorization.denied', outcome: 'denied', details: { method: request.method, route } },
        `${request.method} ${route}`,
      );
    },
  });

  await registerOpenApi(app, {
    publicUrl: config.publicUrl,
    sessionCookieName: sessionCookie(config).name,
  });
  // After OpenAPI, so that /metrics is in the document.
  registerMetrics(app, { config, db: database.db, clock: deps.clock, hasher: deps.hasher });
  // The node's clock against the database's (SEC-BF-06): measured once now; server.ts starts the
  // minute-by-minute checks (as it starts the dispatcher), so tests' apps run no timer.
  const clockOffset = createClockOffsetMonitor({
    db: database.db,
    clock: deps.clock,
    limits: config.clock,
    log: app.log,
  });
  await clockOffset.measure();
  app.decorate('clockOffset', clockOffset);
  app.addHook('onClose', () => clockOffset.stop());
  registerHealthRoutes(app, database, transport, storage, clockOffset);
  // Two-step verification before auth's routes: the order of the route table (sign-out last of the
  // sign-in routes) is the order the matrix and OpenAPI tests walk it.
  registerSecondStepRoutes(app, services);
  registerPasskeySignInRoutes(app, services);
  registerMfaRoutes(app, services);
  registerPasskeyRoutes(app, services);
  registerResetAccessRoutes(app, services);
  registerAuthRoutes(app, services);
  registerFirstRunRoutes(app, services);
  // Every way back into an account: Forgot password, reset links, the admin's reset.
  registerRecoveryRoutes(app, services);
  registerOutboxRoutes(app, services);
  registerMailAdminRoutes(app, { ...services, transport, mailFrom: config.mail.from });
  registerSettingsRoutes(app, services);
  registerBrandingRoutes(app, services);
  registerUsersRoutes(app, { ...services, mfaSummaries: (ids) => mfaSummaries(services.db, ids) });
  registerUserLifecycleRoutes(app, services);
  registerInvitationRoutes(app, services);
  registerInvitationLinkRoutes(app, services);
  registerPeopleRoutes(app, { ...services, mfaSummaries: (ids) => mfaSummaries(services.db, ids) });
  registerTokenRoutes(app, { ...services, owners: tokenOwners });
  registerAuditRoutes(app, { ...services, people: peopleMatching });
  app.decorate(
    'oidc',
    await registerOidc(app, {
      ...services,
      secrets: deps.secrets,
      issuer: config.publicUrl,
      trustProxy: config.trustProxy !== false,
      logoutPrivateAddresses: config.oidcLogoutPrivateAddresses,
    }),
  );
  // Last: the console's catch-all page route yields to every API route above.
  await registerConsole(app, deps.webDist ? { webDist: deps.webDist } : {});
  return app;
}
