import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/app/build-app.js';
import { sessionCookie, startSession } from '../../src/modules/sessions/index.js';
import { setUserStatus, updateUser } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { buildTestApp, seedUser, sessionCookieOf, STRONG_PASSWORD, type TestApp } from '../harness.js';

/*
 * Authorization (SEC-AZ-01..05). The matrix is built from the app's own route table, so a route added
 * later is covered without touching this file; a new *public* route fails the allow-list test until
 * someone reviews it and adds it here.
 */

/** Every response this file produced; SEC-AZ-05 walks them all at the end. */
const seen: LightMyRequestResponse[] = [];

async function call(
  t: TestApp,
  cookie: string | null,
  options: InjectOptions,
): Promise<LightMyRequestResponse> {
  const res = (await t.app.inject({
    ...options,
    headers: { ...(cookie ? { cookie } : {}), ...options.headers },
  })) as LightMyRequestResponse;
  seen.push(res);
  return res;
}

async function signInAs(t: TestApp, email: string, password: string): Promise<string> {
  const res = await call(t, null, {
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed ${res.statusCode}: ${res.body}`);
  return sessionCookieOf(res);
}

const errorCode = (res: LightMyRequestResponse): string | undefined =>
  res.body ? (res.json() as { error?: { code?: string } }).error?.code : undefined;

const routeKey = (r: Pick<RouteEntry, 'method' | 'url'>) => `${r.method} ${r.url}`;

/** A request for a route: path parameters filled with a real id, `{}` as the body where one is expected. */
function requestFor(route: RouteEntry, id: string): InjectOptions {
  const url = route.url.replace(/:[A-Za-z_]+/g, id).replace('*', 'index.html');
  const withBody = ['POST', 'PATCH', 'PUT'].includes(route.method);
  return { method: route.method as InjectOptions['method'], url, ...(withBody ? { payload: {} } : {}) };
}

/** The routes anyone may call without signing in. Adding one is a security decision: review, then list it here. */
const PUBLIC_ALLOW_LIST = [
  'GET /api/docs',
  'GET /api/docs/json',
  'GET /api/docs/static/*',
  'GET /api/docs/static/index.html',
  'GET /api/docs/static/swagger-initializer.js',
  'GET /api/docs/yaml',
  'GET /api/openapi.json',
  'GET /healthz',
  'GET /readyz',
  // Metrics: reviewed. Off (404) unless METRICS_TOKEN is set, and then it checks that bearer token itself.
  'GET /metrics',
  'POST /api/v1/auth/sign-in',
  // The second step of sign-in (SEC-MFA-05): reviewed. It needs the pending session a correct password
  // opened and answers 401 invalid_code without one, exactly as for a wrong code.
  'POST /api/v1/auth/mfa/verify',
  // Passkey-only sign-in (SEC-MFA-04): reviewed. The options store a 5-minute challenge bound to an
  // HttpOnly cookie's hash; the sign-in counts toward the IP limit and the lockout like a password.
  'POST /api/v1/auth/passkey/options',
  'POST /api/v1/auth/passkey/sign-in',
  // The enrollment link "Reset access" issues (SEC-MFA-06): reviewed. The check does not consume it
  // (`token=` is redacted from logs); using it needs the token in the body and the user's password
  // (scope factors: a wrong one counts toward the lockout) or a new one meeting the policy (scope all).
  'GET /api/v1/auth/enrollment',
  'POST /api/v1/auth/enrollment',
  'POST /api/v1/setup',
  // The console's signed-out questions (issue 14): reviewed. The session probe tells a caller only
  // about its own credential (me = null without one) and whether any user exists, which POST
  // /api/v1/setup already tells; the setup status checks a 256-bit token without consuming it
  // (`token=` is redacted from request logs) and names the live password policy.
  'GET /api/v1/auth/session',
  'GET /api/v1/setup/status',
  // Branding (issue 14): reviewed. The organization's name, logo and default language, the same for
  // every caller, which every signed-out page and mail shows anyway; nothing about any person.
  'GET /api/v1/branding',
  // Password recovery (SEC-RST-*, SEC-ENUM-02): reviewed. Forgot-password answers the same for every
  // email; the status check does not consume the token, and `token=` is redacted from request logs.
  'POST /api/v1/auth/forgot-password',
  'GET /api/v1/auth/reset-password/status',
  'POST /api/v1/auth/reset-password',
  // Email confirmation (issue 14): reviewed. The 256-bit token is in the body, single use, 24 h; using
  // it proves the address, so it must work signed out (the link is opened from a mailbox).
  'POST /api/v1/email-confirmations',
  // Invitations: reviewed. The lookup does not consume the token (`token=` is redacted from logs);
  // accepting needs the token in the body.
  'GET /api/v1/invitations/lookup',
  'POST /api/v1/invitations/accept',
  // The OpenID Provider (issue 12): reviewed. oidc-provider's endpoints authenticate apps themselves
  // (client secrets, PKCE, tokens); discovery and JWKS are public by definition. The interaction
  // pages decide with the Gatehouse session and refuse anything less than a full one (SEC-OIDC-07).
  'GET /.well-known/openid-configuration',
  'GET /oidc/*',
  'POST /oidc/*',
  'OPTIONS /oidc/*',
  'GET /interaction/:uid',
  'GET /interaction/:uid/consent',
  'POST /interaction/:uid/consent',
  // The web console's static files and its HTML fallback (which answers the JSON 404 under /api/).
  'GET /assets/*',
  'GET /*',
].sort();

/** The only routes a temporary-password session may use (SEC-TMP-01). */
const TEMPORARY_ALLOW_LIST = [
  'GET /api/v1/me',
  'POST /api/v1/auth/sign-out',
  'POST /api/v1/me/password',
].sort();

/** What a session that must first set up a factor may use (SEC-MFA-05/08): enrolling, and leaving. */
const MFA_ENROLLMENT_ALLOW_LIST = [
  'GET /api/v1/me/factors',
  'POST /api/v1/me/factors/totp',
  'POST /api/v1/me/factors/totp/:id/confirm',
  'POST /api/v1/me/factors/passkeys/options',
  'POST /api/v1/me/factors/passkeys',
  'POST /api/v1/auth/mfa/passkey/options',
  'DELETE /api/v1/me/factors/:id',
  // Naming the factor just added is part of setting it up (it opens nothing: issue 13's rename).
  'PATCH /api/v1/me/factors/:id',
  'POST /api/v1/me/recovery-codes',
  'POST /api/v1/auth/reauthenticate',
  'POST /api/v1/auth/sign-out',
].sort();

type Who =
  | 'anonymous'
  | 'viewer'
  | 'member'
  | 'admin'
  | 'deactivated'
  | 'temporary member'
  | 'temporary admin'
  | 'mfa pending admin'
  | 'mfa enrollment admin';

type Expectation = { allowed: true } | { allowed: false; status: number; code: string };

function expectation(route: RouteEntry, who: Who): Expectation {
  switch (who) {
    case 'anonymous':
    case 'deactivated':
      return { allowed: false, status: 401, code: 'unauthenticated' };
    case 'temporary member':
    case 'temporary admin':
      return route.allowTemporaryPassword
        ? { allowed: true }
        : { allowed: false, status: 403, code: 'password_change_required' };
    case 'mfa pending admin':
      return route.allowMfaPending
        ? { allowed: true }
        : { allowed: false, status: 403, code: 'mfa_required' };
    case 'mfa enrollment admin':
      return route.allowMfaEnrollment
        ? { allowed: true }
        : { allowed: false, status: 403, code: 'mfa_enrollment_required' };
    case 'viewer':
    case 'member':
      return route.access === 'admin'
        ? { allowed: false, status: 403, code: 'forbidden' }
        : { allowed: true };
    case 'admin':
      return { allowed: true };
  }
}

/** The routes the guard protects: everything under /api/v1 not declared public. */
function protectedRoutes(t: TestApp): RouteEntry[] {
  return t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.access !== 'public');
}

/**
 * An app with one principal of each kind. `cookie()` gives a fresh session for each request, so a
 * route that ends sessions (sign-out, reset, deactivate) never spoils the next row of the matrix.
 */
async function matrixWorld() {
  const t = await buildTestApp();
  const admin = await seedUser(t, { role: 'admin' });
  const otherAdmin = await seedUser(t, { role: 'admin' });
  const viewer = await seedUser(t, { role: 'viewer' });
  const member = await seedUser(t, { role: 'member' });
  const target = await seedUser(t, { role: 'member' });
  const adminCookie = await signInAs(t, admin.email, admin.password);

  // The story's way into a temporary session: an admin resets the password, the user signs in with it.
  const temporary = async (user: { id: string; email: string }) => {
    const reset = await call(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(reset.statusCode).toBe(200);
    const password = (reset.json() as { generatedPassword: string }).generatedPassword;
    const signIn = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password },
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().passwordChangeRequired).toBe(true);
    return { ...user, password };
  };
  const tempMember = await temporary(await seedUser(t, { role: 'member' }));
  const tempAdmin = await temporary(otherAdmin);

  const restricted = await seedUser(t, { role: 'admin' });

  // A user signed in, then deactivated by an admin: the cookies they still hold are worthless. One
  // cookie per 15 requests: a refused cookie offered more than 20 times is paced (a flood, SEC-PS-02),
  // which would make this walk over every route take a second per request.
  const gone = await seedUser(t, { role: 'member' });
  const goneCookies = await signInMany(t, gone, Math.ceil((protectedRoutes(t).length * 2) / 15));
  const deactivate = await call(t, adminCookie, {
    method: 'POST',
    url: `/api/v1/users/${gone.id}/deactivate`,
  });
  expect(deactivate.statusCode).toBe(200);

  const principals: Record<Who, { id: string; cookie: () => Promise<string | null> }> = {
    anonymous: { id: target.id, cookie: () => Promise.resolve(null) },
    viewer: { id: viewer.id, cookie: () => signInAs(t, viewer.email, viewer.password) },
    member: { id: member.id, cookie: () => signInAs(t, member.email, member.password) },
    admin: { id: admin.id, cookie: () => signInAs(t, admin.email, admin.password) },
    deactivated: { id: gone.id, cookie: rotating(goneCookies) },
    'temporary member': {
      id: tempMember.id,
      cookie: () => signInAs(t, tempMember.email, tempMember.password),
    },
    'temporary admin': { id: tempAdmin.id, cookie: () => signInAs(t, tempAdmin.email, tempAdmin.password) },
    // Restricted sessions (SEC-MFA-05) as sign-in opens them, started directly: a pending sign-in keeps
    // its attempt counted until the second step, so a hundred of them would lock the account.
    'mfa pending admin': { id: restricted.id, cookie: () => restrictedSession(t, restricted.id, 'mfa') },
    'mfa enrollment admin': {
      id: restricted.id,
      cookie: () => restrictedSession(t, restricted.id, 'enroll'),
    },
  };
  return { t, principals, target };
}

async function restrictedSession(t: TestApp, userId: string, restriction: 'mfa' | 'enroll'): Promise<string> {
  const { secret } = await startSession(t.db.db, t.deps, { userId, ip: null, userAgent: null, restriction });
  return `${sessionCookie(t.config).name}=${secret}`;
}

/** `n` sessions of one user, signed in one after the other. */
async function signInMany(t: TestApp, user: { email: string; password: string }, n: number) {
  const cookies: string[] = [];
  for (let i = 0; i < n; i += 1) cookies.push(await signInAs(t, user.email, user.password));
  return cookies;
}

/** Hands out the cookies in turn (see the flood pacing note in matrixWorld). */
function rotating(cookies: string[]): () => Promise<string | null> {
  let next = 0;
  return () => Promise.resolve(cookies[next++ % cookies.length] ?? null);
}

/** Runs one principal over every protected route (with another user's id and their own) and lists every mismatch. */
async function runMatrix(world: Awaited<ReturnType<typeof matrixWorld>>, who: Who) {
  const { t, principals, target } = world;
  const principal = principals[who];
  const failures: string[] = [];
  let passed = 0;
  for (const route of protectedRoutes(t)) {
    for (const id of [...new Set([target.id, principal.id])]) {
      const res = await call(t, await principal.cookie(), requestFor(route, id));
      const want = expectation(route, who);
      const got = `${res.statusCode} ${errorCode(res) ?? ''}`.trim();
      const label = `${who}: ${routeKey(route)} (${id === target.id ? "another user's id" : 'own id'}) → ${got}`;
      if (want.allowed) {
        if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500) failures.push(label);
        else passed += 1;
      } else if (res.statusCode !== want.status || errorCode(res) !== want.code) {
        failures.push(`${label}, expected ${want.status} ${want.code}`);
      }
    }
  }
  return { failures, passed };
}

describe('SEC-AZ-01: role × route matrix built from the route table', () => {
  it('SEC-AZ-01: the public allow-list is exactly the reviewed one; every other route needs a session', async () => {
    const t = await buildTestApp();
    const publicRoutes = t.app.routeTable.filter((r) => r.access === 'public').map(routeKey);
    expect(publicRoutes.sort()).toEqual(PUBLIC_ALLOW_LIST);
    // Nothing outside /api/v1 is protected by the guard, so nothing outside /api/v1 may be anything but a reviewed public route.
    expect(t.app.routeTable.filter((r) => !r.url.startsWith('/api/v1/') && r.access !== 'public')).toEqual(
      [],
    );
    const temporary = t.app.routeTable.filter((r) => r.allowTemporaryPassword).map(routeKey);
    expect(temporary.sort()).toEqual(TEMPORARY_ALLOW_LIST);
    // The matrix is not vacuous: it covers the core routes of the issue.
    const covered = protectedRoutes(t).map(routeKey);
    for (const key of [
      'GET /api/v1/me',
      'POST /api/v1/me/password',
      'GET /api/v1/me/sessions',
      'DELETE /api/v1/me/sessions/:id',
      'POST /api/v1/auth/sign-out',
      'GET /api/v1/users',
      'POST /api/v1/users',
      'GET /api/v1/users/:id',
      'PATCH /api/v1/users/:id',
      'POST /api/v1/users/:id/deactivate',
      'POST /api/v1/users/:id/activate',
      'POST /api/v1/users/:id/password',
      'DELETE /api/v1/users/:id/sessions',
      'GET /api/v1/audit-events',
      'GET /api/v1/people',
      'POST /api/v1/people/bulk',
    ]) {
      expect(covered).toContain(key);
    }
  });

  it('SEC-AZ-01: anonymous → 401 unauthenticated on every protected route; public routes answer without a session', async () => {
    const world = await matrixWorld();
    const { failures } = await runMatrix(world, 'anonymous');
    expect(failures).toEqual([]);
    for (const route of world.t.app.routeTable.filter((r) => r.access === 'public')) {
      const res = await call(world.t, null, requestFor(route, world.target.id));
      expect(res.statusCode, routeKey(route)).not.toBe(401);
      expect(res.statusCode, routeKey(route)).toBeLessThan(500);
    }
  });

  it('SEC-AZ-01: viewer and member → 403 forbidden on admin routes, through the guard on user routes', async () => {
    const world = await matrixWorld();
    for (const who of ['viewer', 'member'] as const) {
      const { failures, passed } = await runMatrix(world, who);
      expect(failures).toEqual([]);
      expect(passed).toBeGreaterThan(0);
    }
  });

  it('SEC-AZ-01: admin is never stopped by the guard (no 401/403) on any route', async () => {
    const world = await matrixWorld();
    const { failures, passed } = await runMatrix(world, 'admin');
    expect(failures).toEqual([]);
    expect(passed).toBe(
      protectedRoutes(world.t).length * 2, // another user's id and the admin's own
    );
  });

  it("SEC-AZ-01: a deactivated user's old cookie → 401 everywhere, even if its session row survived", async () => {
    const world = await matrixWorld();
    expect((await runMatrix(world, 'deactivated')).failures).toEqual([]);

    // Deactivation deletes the sessions; the guard also checks the status at every request, so a
    // session row that outlived the deactivation (e.g. written by a lagging node) still gets nothing.
    const { t } = world;
    const user = await seedUser(t, { role: 'admin' });
    const cookies = await signInMany(t, user, Math.ceil(protectedRoutes(t).length / 15));
    expect((await call(t, cookies[0] ?? null, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    await t.db.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', user.id).execute();
    const cookie = rotating(cookies);
    for (const route of protectedRoutes(t)) {
      const res = await call(t, await cookie(), requestFor(route, user.id));
      expect(`${routeKey(route)} → ${res.statusCode} ${errorCode(res)}`).toBe(
        `${routeKey(route)} → 401 unauthenticated`,
      );
    }
  });

  it('SEC-MFA-05: a pending second step → 403 mfa_required, a due enrollment → 403 mfa_enrollment_required, except on the routes that allow them', async () => {
    const world = await matrixWorld();
    for (const who of ['mfa pending admin', 'mfa enrollment admin'] as const) {
      const { failures, passed } = await runMatrix(world, who);
      expect(failures).toEqual([]);
      expect(passed).toBeGreaterThan(0);
    }
    const t = world.t;
    const open = (flag: 'allowMfaPending' | 'allowMfaEnrollment') =>
      t.app.routeTable
        .filter((r) => r.access !== 'public' && r[flag])
        .map(routeKey)
        .sort();
    expect(open('allowMfaPending')).toEqual([
      'POST /api/v1/auth/mfa/passkey/options',
      'POST /api/v1/auth/sign-out',
    ]);
    expect(open('allowMfaEnrollment')).toEqual(MFA_ENROLLMENT_ALLOW_LIST);
  });

  it('SEC-AZ-01 / SEC-TMP-01: a temporary-password session → 403 password_change_required except on /me, /me/password, sign-out', async () => {
    const world = await matrixWorld();
    for (const who of ['temporary member', 'temporary admin'] as const) {
      const { failures, passed } = await runMatrix(world, who);
      expect(failures).toEqual([]);
      expect(passed).toBeGreaterThan(0);
    }
  });
});

describe('SEC-AZ-02: no IDOR', () => {
  it('SEC-AZ-02: a member or viewer cannot read or change another user through /api/v1/users/:id (403, nothing changes)', async () => {
    const t = await buildTestApp();
    const victim = await seedUser(t, { role: 'member', name: 'Victim Person' });
    const victimCookie = await signInAs(t, victim.email, victim.password);
    const before = await t.db.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();

    for (const role of ['member', 'viewer'] as const) {
      const attacker = await seedUser(t, { role });
      const cookie = await signInAs(t, attacker.email, attacker.password);
      const attempts: InjectOptions[] = [
        { method: 'GET', url: `/api/v1/users/${victim.id}` },
        { method: 'PATCH', url: `/api/v1/users/${victim.id}`, payload: { name: 'Owned' } },
        { method: 'PATCH', url: `/api/v1/users/${victim.id}`, payload: { role: 'viewer' } },
        { method: 'POST', url: `/api/v1/users/${victim.id}/deactivate` },
        { method: 'POST', url: `/api/v1/users/${victim.id}/password`, payload: { generate: true } },
        { method: 'DELETE', url: `/api/v1/users/${victim.id}/sessions` },
        { method: 'GET', url: `/api/v1/users?q=${encodeURIComponent(victim.email)}` },
        { method: 'GET', url: `/api/v1/audit-events?target=${victim.id}` },
      ];
      for (const attempt of attempts) {
        const res = await call(t, cookie, attempt);
        expect(`${role} ${attempt.method} ${attempt.url} → ${res.statusCode} ${errorCode(res)}`).toBe(
          `${role} ${attempt.method} ${attempt.url} → 403 forbidden`,
        );
      }
      // A member may only promote themself through an admin: the same routes with their own id are just as closed.
      const self = await call(t, cookie, {
        method: 'PATCH',
        url: `/api/v1/users/${attacker.id}`,
        payload: { role: 'admin' },
      });
      expect(self.statusCode).toBe(403);
      const own = await t.db.db
        .selectFrom('users')
        .select('role')
        .where('id', '=', attacker.id)
        .executeTakeFirstOrThrow();
      expect(own.role).toBe(role);
    }

    const after = await t.db.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    // The victim is still signed in: no session was ended, no password was reset.
    expect((await call(t, victimCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it("SEC-AZ-02: nobody can end another user's session through DELETE /api/v1/me/sessions/:id (404, the session lives on)", async () => {
    const t = await buildTestApp();
    const victim = await seedUser(t, { role: 'member' });
    const victimCookie = await signInAs(t, victim.email, victim.password);
    const list = await call(t, victimCookie, { method: 'GET', url: '/api/v1/me/sessions' });
    expect(list.statusCode).toBe(200);
    const victimSession = (list.json() as { items: Array<{ id: string; current: boolean }> }).items.find(
      (s) => s.current,
    );
    expect(victimSession).toBeDefined();
    const sessionId = victimSession?.id ?? '';

    for (const role of ['viewer', 'member', 'admin'] as const) {
      const other = await seedUser(t, { role });
      const cookie = await signInAs(t, other.email, other.password);
      const res = await call(t, cookie, { method: 'DELETE', url: `/api/v1/me/sessions/${sessionId}` });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('not_found');
      // Their own list never shows the victim's session.
      const mine = await call(t, cookie, { method: 'GET', url: '/api/v1/me/sessions' });
      expect((mine.json() as { items: Array<{ id: string }> }).items.map((s) => s.id)).not.toContain(
        sessionId,
      );
    }

    const me = await call(t, victimCookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(victim.id);
    const still = await call(t, victimCookie, { method: 'GET', url: '/api/v1/me/sessions' });
    expect((still.json() as { items: Array<{ id: string }> }).items.map((s) => s.id)).toContain(sessionId);
  });
});

describe('SEC-AZ-03: mass assignment refused', () => {
  it('SEC-AZ-03: PATCH /api/v1/users/:id with unknown fields → 400 and nothing changes', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const cookie = await signInAs(t, admin.email, admin.password);
    const target = await seedUser(t, { role: 'viewer', name: 'Original Name' });
    const snapshot = () => t.db.db.selectFrom('users').selectAll().orderBy('id').execute();
    const before = await snapshot();

    const bodies: Array<string | Record<string, unknown>> = [
      { passwordHash: '$argon2id$v=19$m=64,t=1,p=1$AAAA$BBBB' },
      { status: 'deactivated' },
      { email: 'new-address@example.test' },
      { id: admin.id },
      { passwordTemporary: 0 },
      { createdAt: 0 },
      { name: 'Renamed', passwordHash: 'x' },
      { role: 'admin', status: 'deactivated' },
      { name: 'Renamed', email: 'new-address@example.test' },
      '{"__proto__": {"role": "admin"}}',
      '{"name": "Renamed", "__proto__": {"role": "admin"}}',
      '{"constructor": {"prototype": {"role": "admin"}}}',
    ];
    for (const payload of bodies) {
      const res = await call(t, cookie, {
        method: 'PATCH',
        url: `/api/v1/users/${target.id}`,
        headers: { 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(`${JSON.stringify(payload)} → ${res.statusCode}`).toBe(`${JSON.stringify(payload)} → 400`);
      expect(['validation_failed', 'malformed_json']).toContain(errorCode(res));
    }
    expect(await snapshot()).toEqual(before);
    // Nothing leaked onto the prototype of plain objects either.
    expect(({} as Record<string, unknown>).role).toBeUndefined();

    // The same guard on create: unknown fields make no user.
    const create = await call(t, cookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'someone@example.test',
        name: 'Someone',
        role: 'member',
        generatePassword: true,
        status: 'active',
        passwordHash: 'x',
      },
    });
    expect(create.statusCode).toBe(400);
    expect(errorCode(create)).toBe('validation_failed');
    // And on admin reset: a typed password and generate: true together is not a valid choice.
    const reset = await call(t, cookie, {
      method: 'POST',
      url: `/api/v1/users/${target.id}/password`,
      payload: { password: 'another long passphrase 9', generate: true },
    });
    expect(reset.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('SEC-AZ-03: POST /api/v1/me/password with an extra `role` → 400, the role and the password stay', async () => {
    const t = await buildTestApp();
    const member = await seedUser(t, { role: 'member' });
    const cookie = await signInAs(t, member.email, member.password);
    const newPassword = 'a different passphrase 31 meadow';
    for (const extra of [{ role: 'admin' }, { status: 'active' }, { passwordTemporary: false }]) {
      const res = await call(t, cookie, {
        method: 'POST',
        url: '/api/v1/me/password',
        payload: { currentPassword: member.password, newPassword, ...extra },
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
    }
    const row = await t.db.db
      .selectFrom('users')
      .select(['role'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('member');
    // The old password still works, the new one does not: nothing was applied.
    await signInAs(t, member.email, STRONG_PASSWORD);
    const refused = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: member.email, password: newPassword },
    });
    expect(refused.statusCode).toBe(401);
  });
});

describe('SEC-AZ-04: the last active admin', () => {
  const activeAdminIds = async (t: TestApp) =>
    (
      await t.db.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('status', '=', 'active')
        .orderBy('id')
        .execute()
    ).map((r) => r.id);

  it('SEC-AZ-04: the last active admin cannot be demoted or deactivated (409 last_admin); nobody deactivates themself', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const cookie = await signInAs(t, admin.email, admin.password);

    for (const role of ['member', 'viewer'] as const) {
      const res = await call(t, cookie, {
        method: 'PATCH',
        url: `/api/v1/users/${admin.id}`,
        payload: { role },
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('last_admin');
    }
    const self = await call(t, cookie, { method: 'POST', url: `/api/v1/users/${admin.id}/deactivate` });
    expect(self.statusCode).toBe(400);
    expect(errorCode(self)).toBe('cannot_deactivate_self');
    // The CLI (no signed-in actor) goes through the same service and the same rule.
    await expect(setUserStatus(t.deps, cliContext(), admin.id, 'deactivated')).rejects.toMatchObject({
      code: 'last_admin',
    });
    await expect(updateUser(t.deps, cliContext(), admin.id, { role: 'viewer' })).rejects.toMatchObject({
      code: 'last_admin',
    });
    expect(await activeAdminIds(t)).toEqual([admin.id]);

    // A deactivated admin does not count: with the other admin deactivated, the rule holds again.
    const second = await seedUser(t, { role: 'admin' });
    expect(
      (await call(t, cookie, { method: 'POST', url: `/api/v1/users/${second.id}/deactivate` })).statusCode,
    ).toBe(200);
    const demote = await call(t, cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${admin.id}`,
      payload: { role: 'member' },
    });
    expect(demote.statusCode).toBe(409);
    expect(errorCode(demote)).toBe('last_admin');
    // Renaming the last admin is fine: only losing the role is refused.
    const rename = await call(t, cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${admin.id}`,
      payload: { name: 'Still Admin' },
    });
    expect(rename.statusCode).toBe(200);
    expect(await activeAdminIds(t)).toEqual([admin.id]);

    // With another active admin, stepping down is allowed.
    expect(
      (await call(t, cookie, { method: 'POST', url: `/api/v1/users/${second.id}/activate` })).statusCode,
    ).toBe(200);
    const stepDown = await call(t, cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${admin.id}`,
      payload: { role: 'member' },
    });
    expect(stepDown.statusCode).toBe(200);
    expect(await activeAdminIds(t)).toEqual([second.id]);
  });

  /**
   * Fires both requests so that both are past the guard before either changes anything. SQLite has one
   * connection whose queue is first-come first-served, so the two guards' reads run before either
   * transaction. On PostgreSQL a test transaction holds `LOCK TABLE users IN EXCLUSIVE MODE`: plain
   * reads (the guard, the target lookup) pass, while any write or `FOR UPDATE` on users waits; once
   * both requests wait there, the lock is released and they really collide. An implementation that
   * checked "another admin exists" without locking would let both through, and this test would fail.
   */
  async function atTheSameMoment<T>(t: TestApp, fire: () => Promise<T>): Promise<T> {
    if (t.db.dialect !== 'postgres') return fire();
    let racing: Promise<T> | undefined;
    await t.db.db.transaction().execute(async (trx) => {
      await sql`lock table users in exclusive mode`.execute(trx);
      racing = fire();
      for (let tries = 0; ; tries += 1) {
        const { rows } = await sql<{ n: string | number }>`
          select count(*) as n from pg_locks
          where not granted and relation = 'users'::regclass
            and database = (select oid from pg_database where datname = current_database())`.execute(t.db.db);
        if (Number(rows[0]?.n) >= 2) break;
        if (tries > 2000) throw new Error('the two requests never reached the users table');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    if (!racing) throw new Error('not fired');
    return racing;
  }

  type Move = 'demote' | 'deactivate';
  const move = (t: TestApp, actor: { cookie: string }, target: { id: string }, kind: Move) =>
    call(
      t,
      actor.cookie,
      kind === 'demote'
        ? { method: 'PATCH', url: `/api/v1/users/${target.id}`, payload: { role: 'member' } }
        : { method: 'POST', url: `/api/v1/users/${target.id}/deactivate` },
    );

  it.each([
    ['demote each other', 'demote', 'demote', 10],
    ['deactivate each other', 'deactivate', 'deactivate', 5],
    ['one demotes, the other deactivates', 'demote', 'deactivate', 5],
  ] as const)(
    'SEC-AZ-04: RACE: two admins %s at the same moment → exactly one 200, one 409, one active admin left',
    async (_label, moveA, moveB, rounds) => {
      const t = await buildTestApp();
      const a = { ...(await seedUser(t, { role: 'admin' })), cookie: '' };
      const b = { ...(await seedUser(t, { role: 'admin' })), cookie: '' };
      a.cookie = await signInAs(t, a.email, a.password);
      b.cookie = await signInAs(t, b.email, b.password);

      for (let round = 0; round < rounds; round += 1) {
        expect(await activeAdminIds(t)).toEqual([a.id, b.id].sort());
        const [byA, byB] = await atTheSameMoment(t, () =>
          Promise.all([move(t, a, b, moveA), move(t, b, a, moveB)]),
        );
        const statuses = [byA.statusCode, byB.statusCode].sort();
        expect(statuses, `round ${round}: ${byA.body} / ${byB.body}`).toEqual([200, 409]);
        // 409 last_admin (not 403 forbidden) shows both requests passed the guard as admins: a real race.
        const loserResponse = byA.statusCode === 409 ? byA : byB;
        expect(errorCode(loserResponse)).toBe('last_admin');
        const [winner, loser] = byA.statusCode === 200 ? [a, b] : [b, a];
        expect(await activeAdminIds(t)).toEqual([winner.id]);

        // Back to two active admins for the next round.
        const lostBy = winner === a ? moveA : moveB;
        const restore =
          lostBy === 'demote'
            ? await call(t, winner.cookie, {
                method: 'PATCH',
                url: `/api/v1/users/${loser.id}`,
                payload: { role: 'admin' },
              })
            : await call(t, winner.cookie, { method: 'POST', url: `/api/v1/users/${loser.id}/activate` });
        expect(restore.statusCode).toBe(200);
        // Deactivation ended the loser's sessions; they sign in again.
        if (lostBy === 'deactivate') loser.cookie = await signInAs(t, loser.email, loser.password);
      }
    },
  );
});

describe('SEC-AZ-05: no response carries a password hash or a token hash', () => {
  it('SEC-AZ-05: sign-in, users list/get/create/reset, me, sessions and audit events expose no hash', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const cookie = await signInAs(t, admin.email, admin.password);
    const created = await call(t, cookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'hash-probe@example.test',
        name: 'Hash Probe',
        role: 'member',
        generatePassword: true,
      },
    });
    expect(created.statusCode).toBe(201);
    const userId = (created.json() as { user: { id: string } }).user.id;
    const typed = await call(t, cookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'hash-probe-2@example.test',
        name: 'Hash Probe Two',
        role: 'viewer',
        password: 'a typed temporary passphrase 7',
      },
    });
    expect(typed.statusCode).toBe(201);
    const reset = await call(t, cookie, {
      method: 'POST',
      url: `/api/v1/users/${userId}/password`,
      payload: { generate: true },
    });
    expect(reset.statusCode).toBe(200);
    const temporaryPassword = (reset.json() as { generatedPassword: string }).generatedPassword;
    const userCookie = await signInAs(t, 'hash-probe@example.test', temporaryPassword);
    expect(
      (
        await call(t, userCookie, {
          method: 'POST',
          url: '/api/v1/me/password',
          payload: { currentPassword: temporaryPassword, newPassword: 'my own new passphrase 2024' },
        })
      ).statusCode,
    ).toBe(204);
    const userCookie2 = await signInAs(t, 'hash-probe@example.test', 'my own new passphrase 2024');
    for (const [who, url] of [
      [cookie, '/api/v1/users'],
      [cookie, '/api/v1/users?q=probe&sort=lastSignInAt&order=desc&limit=1'],
      [cookie, `/api/v1/users/${userId}`],
      [cookie, '/api/v1/me'],
      [cookie, '/api/v1/me/sessions'],
      [cookie, '/api/v1/audit-events?limit=200'],
      [userCookie2, '/api/v1/me'],
      [userCookie2, '/api/v1/me/sessions'],
    ] as const) {
      expect((await call(t, who, { method: 'GET', url })).statusCode).toBe(200);
    }
    expect(
      (
        await call(t, cookie, {
          method: 'PATCH',
          url: `/api/v1/users/${userId}`,
          payload: { role: 'viewer' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await call(t, cookie, { method: 'POST', url: `/api/v1/users/${userId}/deactivate` })).statusCode,
    ).toBe(200);

    // Every hash and secret the database holds, and every session secret handed out in a cookie.
    const hashes = [
      ...(await t.db.db.selectFrom('users').select('passwordHash').execute()).map((r) => r.passwordHash),
      ...(await t.db.db.selectFrom('sessions').select('tokenHash').execute()).map((r) => r.tokenHash),
    ].filter((h): h is string => typeof h === 'string' && h.length > 0);
    expect(hashes.length).toBeGreaterThan(3);
    const cookieSecrets = seen
      .flatMap((res) => {
        const header = res.headers['set-cookie'];
        return Array.isArray(header) ? header : header ? [header] : [];
      })
      .map((c) => c.split(';')[0]?.split('=')[1] ?? '')
      .filter((v) => v.length >= 32);
    expect(cookieSecrets.length).toBeGreaterThan(0);

    const FORBIDDEN_KEY = /^(password_?hash|token_?hash|hash|prev_?hash|secret|session_?secret)$/i;
    // The one secret the API hands out by design (issue 13's contract): a new authenticator's key,
    // once, to its owner, in the answer that starts the enrollment (and its schema in the document).
    const INTENDED = new Set([
      '$.components.schemas.TotpEnrollment.properties.secret',
      '$.components.schemas.TotpEnrollmentInput.properties.secret',
    ]);
    const badKeys = (value: unknown, path: string, out: string[]) => {
      if (Array.isArray(value)) value.forEach((v, i) => badKeys(v, `${path}[${i}]`, out));
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (FORBIDDEN_KEY.test(key) && !INTENDED.has(`${path}.${key}`)) out.push(`${path}.${key}`);
          badKeys(v, `${path}.${key}`, out);
        }
      }
      return out;
    };

    // Every response of this file: the matrix, IDOR, mass assignment and race tests, and this flow.
    const json = seen.filter((res) => String(res.headers['content-type'] ?? '').includes('application/json'));
    expect(json.length).toBeGreaterThan(50);
    const secrets = [...hashes, ...cookieSecrets];
    for (const res of json) {
      const where = `${res.raw.req.method} ${res.raw.req.url} → ${res.statusCode}`;
      expect(res.body, where).not.toContain('$argon2');
      expect(res.body, where).not.toMatch(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i);
      const keys = badKeys(res.json(), '$', []);
      const enrollment = res.raw.req.method === 'POST' && res.raw.req.url === '/api/v1/me/factors/totp';
      expect(enrollment ? keys.filter((k) => k !== '$.secret') : keys, where).toEqual([]);
      // One assertion per response naming every secret found (one per secret cost seconds of expect()).
      expect(
        secrets.filter((secret) => res.body.includes(secret)),
        where,
      ).toEqual([]);
    }
  });
});
