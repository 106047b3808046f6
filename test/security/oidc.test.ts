import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/shared/crypto.js';
import { buildTestApp, buildTwoNodes, request, signedIn } from '../harness.js';
import { logoutReceiver } from '../oidc/backchannel.js';
import {
  appOf,
  Browser,
  injectFetch,
  ISSUER,
  oidc,
  oidcScene,
  POST_LOGOUT,
  REDIRECT,
  registerApp,
  relyingParty,
  signInAtApp,
  startAuthorization,
} from '../oidc/rp.js';

type Json = Record<string, unknown>;

/** A raw token-endpoint call, for what openid-client would refuse to send. */
async function tokenRequest(
  t: Awaited<ReturnType<typeof buildTestApp>>,
  form: Record<string, string>,
  basic?: string,
) {
  return t.app.inject({
    method: 'POST',
    url: '/oidc/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      host: 'localhost:8080',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    payload: new URLSearchParams(form).toString(),
  });
}

async function auditActions(t: Awaited<ReturnType<typeof buildTestApp>>): Promise<string[]> {
  await t.app.oidc.auditSettled();
  const rows = await t.db.db.selectFrom('auditEvents').select('action').orderBy('id').execute();
  return rows.map((r) => r.action);
}

/** The OAuth error code a failed openid-client call carries (`error` of the server's answer). */
async function oauthError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { error?: string }).error;
  }
  return undefined;
}

async function expectGrantDead(config: oidc.Configuration, accessToken: string, refreshToken?: string) {
  const userinfo = await injectFetch(appOf(config))(`${ISSUER}/oidc/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(userinfo.status).toBe(401);
  expect(userinfo.headers.get('www-authenticate')).toMatch(/invalid_token/);
  if (refreshToken)
    expect(await oauthError(oidc.refreshTokenGrant(config, refreshToken))).toBe('invalid_grant');
}

describe('OpenID Provider: flows (SEC-OIDC-01)', () => {
  it('SEC-OIDC-01: the code flow needs PKCE S256; implicit, hybrid and password grants are refused', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const metadata = config.serverMetadata();
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.grant_types_supported).not.toContain('password');
    expect(metadata.grant_types_supported).not.toContain('implicit');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);

    // No code_challenge: refused at the app's redirect with invalid_request.
    const noPkce = new URL(
      oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 's1' }),
    );
    const back = await browser.follow(noPkce.href);
    expect(back.url.startsWith(REDIRECT)).toBe(true);
    expect(new URL(back.url).searchParams.get('error')).toBe('invalid_request');

    // plain is not S256.
    const plain = await startAuthorization(config, { code_challenge_method: 'plain' });
    const plainBack = await browser.follow(plain.url.href);
    expect(new URL(plainBack.url).searchParams.get('error')).toBe('invalid_request');

    // Implicit and hybrid response types.
    for (const responseType of ['id_token token', 'code id_token', 'token']) {
      const implicit = await startAuthorization(config, { response_type: responseType });
      const res = await browser.follow(implicit.url.href);
      expect(new URL(res.url).searchParams.get('error') ?? new URL(res.url).hash).toMatch(
        /unsupported_response_type/,
      );
    }

    const registered = { id: config.clientMetadata().client_id };
    const password = await tokenRequest(t, {
      grant_type: 'password',
      username: 'x',
      password: 'y',
      client_id: registered.id,
    });
    expect(password.json<Json>().error).toMatch(/unsupported_grant_type|unauthorized_client|invalid_client/);
  });

  it('SEC-OIDC-01: a wrong code_verifier, a wrong redirect_uri or another client cannot redeem a code', async () => {
    const t = await buildTestApp();
    const { config, browser, admin, registered } = await oidcScene(t);
    const other = await registerApp(t, admin.cookie, { name: 'Other app' });
    const start = await startAuthorization(config);
    const back = await browser.follow(start.url.href);
    const code = new URL(back.url).searchParams.get('code') ?? '';
    const wrongVerifier = await oidc
      .authorizationCodeGrant(config, new URL(back.url), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: start.state,
        expectedNonce: start.nonce,
      })
      .catch((e: unknown) => e);
    expect(String((wrongVerifier as { error?: string }).error)).toBe('invalid_grant');

    // Another app, with its own valid secret, cannot redeem this app's code.
    const otherRes = await tokenRequest(
      t,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: start.verifier },
      `${other.id}:${other.clientSecret}`,
    );
    expect(otherRes.json<Json>().error).toBe('invalid_grant');

    // The right app, verifier and secret, but a redirect_uri other than the authorization request's.
    const own = `${registered.id}:${registered.clientSecret}`;
    const form = { grant_type: 'authorization_code', code, code_verifier: start.verifier };
    const wrongRedirect = await tokenRequest(t, { ...form, redirect_uri: `${REDIRECT}?x=1` }, own);
    expect(wrongRedirect.json<Json>().error).toBe('invalid_grant');
    // None of the refused attempts redeemed it: the legitimate one still can, once.
    const right = await tokenRequest(t, { ...form, redirect_uri: REDIRECT }, own);
    expect(right.statusCode, right.body).toBe(200);
  });

  it('SEC-OIDC-01: a reused code is refused and every token issued from it is revoked', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens, callback, start } = await signInAtApp(t, config, browser);
    const again = await oidc
      .authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: start.nonce,
      })
      .catch((e: unknown) => e);
    expect((again as { error?: string }).error).toBe('invalid_grant');
    await expectGrantDead(config, tokens.access_token, tokens.refresh_token);
    expect(await auditActions(t)).toContain('oidc.token_reuse_detected');
  });

  it('SEC-OIDC-01: a code lives at most 60 seconds', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const start = await startAuthorization(config);
    const back = await browser.follow(start.url.href);
    t.clock.advance(61_000);
    const late = await oidc
      .authorizationCodeGrant(config, new URL(back.url), {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: start.nonce,
      })
      .catch((e: unknown) => e);
    expect((late as { error?: string }).error).toBe('invalid_grant');
  });

  it('SEC-OIDC-01: a service app gets tokens by client credentials, and no user flow', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const service = await registerApp(t, admin.cookie, {
      name: 'Nightly job',
      type: 'service',
      redirectUris: [],
    });
    const config = await relyingParty(t, service);
    const tokens = await oidc
      .clientCredentialsGrant(config, { scope: 'openid' })
      .catch(() => oidc.clientCredentialsGrant(config));
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('OpenID Provider: redirect URIs (SEC-OIDC-02)', () => {
  it('SEC-OIDC-02: a redirect URI off by one character is never redirected to', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    for (const uri of [`${REDIRECT}x`, REDIRECT.slice(0, -1), `${REDIRECT}/`, REDIRECT.toUpperCase()]) {
      const start = await startAuthorization(config, { redirect_uri: uri });
      const res = await browser.send({ url: start.url.href });
      expect(res.statusCode).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain('redirect_uri');
    }
  });

  it('SEC-OIDC-02: an unknown post_logout_redirect_uri is not redirected to', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${POST_LOGOUT}/evil`,
    });
    const res = await browser.send({ url: url.href });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('SEC-OIDC-02: RP-initiated logout returns to the registered post_logout_redirect_uri, with state', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: POST_LOGOUT,
      state: 'bye-state',
    });
    const page = await browser.send({ url: url.href });
    expect(page.statusCode).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect(xsrf).not.toBe('');
    const confirmed = await browser.send({
      method: 'POST',
      url: '/oidc/session/end/confirm',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(`${POST_LOGOUT}?state=bye-state`);
  });

  it('SEC-OIDC-02: registration refuses wildcards, fragments, plain http off loopback and custom schemes for web apps', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const bad = [
      'https://*.example.test/cb',
      'https://app.example.test/cb#frag',
      'http://app.example.test/cb',
      'com.example.app:/cb',
      'javascript:alert(1)',
      'not a uri',
    ];
    for (const uri of bad) {
      const res = await request(t, admin.cookie, {
        method: 'POST',
        url: '/api/v1/apps',
        payload: { name: 'x', type: 'web', redirectUris: [uri], allowedRoles: ['member'] },
      });
      expect(res.statusCode, uri).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('app_redirect_uri_invalid');
    }
    expect(await t.db.db.selectFrom('oidcApps').select('id').execute()).toHaveLength(0);
    const native = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/apps',
      payload: {
        name: 'CLI',
        type: 'native',
        redirectUris: ['http://127.0.0.1/callback', 'com.example.cli:/cb'],
        allowedRoles: ['member'],
      },
    });
    expect(native.statusCode).toBe(201);
    expect(native.json<Json>().clientSecret).toBeUndefined();
  });

  it('SEC-OIDC-02: loopback port variance (RFC 8252) only for native apps', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    const browser = new Browser(t, member.cookie);
    for (const type of ['native', 'spa'] as const) {
      const app = await registerApp(t, admin.cookie, {
        name: type,
        type,
        redirectUris: ['http://127.0.0.1/callback'],
      });
      const config = await relyingParty(t, app);
      const start = await startAuthorization(config, { redirect_uri: 'http://127.0.0.1:53127/callback' });
      const res = await browser.follow(start.url.href);
      if (type === 'native') expect(res.url.startsWith('http://127.0.0.1:53127/callback?code=')).toBe(true);
      else expect(res.res.statusCode).toBe(400);
    }
  });
});

describe('OpenID Provider: tokens and keys (SEC-OIDC-03)', () => {
  it('SEC-OIDC-03: state, nonce and iss come back; the ID token is ES256, for this client, short-lived', async () => {
    const t = await buildTestApp();
    const { config, browser, member } = await oidcScene(t);
    const { tokens, callback, start } = await signInAtApp(t, config, browser);
    expect(callback.searchParams.get('iss')).toBe(ISSUER);
    expect(callback.searchParams.get('state')).toBe(start.state);
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true);
    const header = JSON.parse(
      Buffer.from((tokens.id_token ?? '').split('.')[0] ?? '', 'base64url').toString(),
    ) as Json;
    expect(header.alg).toBe('ES256');
    const claims = tokens.claims() as Json;
    expect(claims.aud).toBe(config.clientMetadata().client_id);
    expect(claims.nonce).toBe(start.nonce);
    expect(claims.iss).toBe(ISSUER);
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(600);
    expect(claims.sub).toBe(member.id);
    // A wrong nonce is caught by the relying party's check against the token.
    const second = await startAuthorization(config);
    const back = await browser.follow(second.url.href);
    const wrongNonce = await oidc
      .authorizationCodeGrant(config, new URL(back.url), {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
        expectedNonce: 'not-the-nonce',
      })
      .catch((e: unknown) => e as { message: string; cause?: { claim?: string } });
    expect(wrongNonce).toMatchObject({ message: 'unexpected JWT claim value encountered' });
    const causes: unknown[] = [];
    for (let e: unknown = wrongNonce; e; e = (e as { cause?: unknown }).cause) causes.push(e);
    expect(causes.some((c) => (c as { claim?: string }).claim === 'nonce')).toBe(true);
  });

  it('SEC-OIDC-03: RS256 per app for old clients', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t, { idTokenAlg: 'RS256' });
    const { tokens } = await signInAtApp(t, config, browser);
    const header = JSON.parse(
      Buffer.from((tokens.id_token ?? '').split('.')[0] ?? '', 'base64url').toString(),
    ) as Json;
    expect(header.alg).toBe('RS256');
  });

  it('SEC-OIDC-03: signing keys are stored sealed, shared by every node', async () => {
    const [a, b] = await buildTwoNodes();
    const rows = await a.db.db.selectFrom('oidcKeys').selectAll().execute();
    expect(rows.map((r) => r.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const row of rows) {
      expect(row.sealedPrivateJwk.startsWith('gh1.')).toBe(true);
      expect(row.sealedPrivateJwk).not.toContain('"d"');
      expect(JSON.parse(row.publicJwk)).not.toHaveProperty('d');
    }
    const jwksOf = async (t: typeof a) =>
      (await t.app.inject({ url: '/oidc/jwks', headers: { host: 'localhost:8080' } })).json<{
        keys: Json[];
      }>().keys;
    const fromA = await jwksOf(a);
    const fromB = await jwksOf(b);
    expect(fromA.map((k) => k.kid).sort()).toEqual(fromB.map((k) => k.kid).sort());
    expect(fromA.every((k) => !('d' in k))).toBe(true);

    expect(rows.every((r) => r.retiredAt === null)).toBe(true);
  });

  it('SEC-OIDC-03 / SEC-OIDC-08: a key rotation signs at once on every node without restart; the old key stays published for the longest token lifetime, then leaves; audited', async () => {
    const [a, b] = await buildTwoNodes();
    const jwksOf = async (t: typeof a) =>
      (await t.app.inject({ url: '/oidc/jwks', headers: { host: 'localhost:8080' } })).json<{
        keys: Array<{ kid: string }>;
      }>().keys;
    const kidOf = (jwt: string | undefined) =>
      (JSON.parse(Buffer.from((jwt ?? '').split('.')[0] ?? '', 'base64url').toString()) as { kid: string })
        .kid;
    const { config, browser, member, registered } = await oidcScene(a);
    const before = await signInAtApp(a, config, browser);
    const oldKids = (await jwksOf(a)).map((k) => k.kid).sort();
    expect(oldKids).toContain(kidOf(before.tokens.id_token));

    const { rotateSigningKeys, KEY_OVERLAP_MS, KEY_CHECK_INTERVAL_MS } =
      await import('../../src/modules/oidc/index.js');
    const { testSecretBox } = await import('../secrets.js');
    const { cliContext } = await import('../../src/shared/context.js');
    const fresh = await rotateSigningKeys(
      { db: a.db.db, clock: a.clock, secrets: testSecretBox() },
      cliContext(),
      KEY_OVERLAP_MS,
    );
    expect(fresh).toHaveLength(2);
    const after = await a.db.db.selectFrom('oidcKeys').selectAll().execute();
    expect(after).toHaveLength(4);
    expect(
      after
        .filter((k) => k.retiredAt === null)
        .map((k) => k.kid)
        .sort(),
    ).toEqual([...fresh].sort());
    expect(
      after
        .filter((k) => k.retiredAt !== null)
        .every((k) => k.removeAt === (k.retiredAt ?? 0) + KEY_OVERLAP_MS),
    ).toBe(true);

    // Within the check interval both nodes publish the new keys beside the old ones, no restart.
    a.clock.advance(KEY_CHECK_INTERVAL_MS);
    for (const node of [a, b]) {
      const kids = (await jwksOf(node)).map((k) => k.kid).sort();
      expect(kids).toEqual([...oldKids, ...fresh].sort());
    }
    // New ID tokens carry a new kid, at either node.
    const viaA = await signInAtApp(a, config, browser);
    expect(fresh).toContain(kidOf(viaA.tokens.id_token));
    const configB = await relyingParty(b, registered);
    const viaB = await signInAtApp(b, configB, new Browser(b, member.cookie));
    expect(fresh).toContain(kidOf(viaB.tokens.id_token));
    // A token signed before the rotation still verifies against the published set.
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const published = createLocalJWKSet({ keys: (await jwksOf(b)) as never });
    await expect(
      jwtVerify(before.tokens.id_token ?? '', published, { issuer: ISSUER }),
    ).resolves.toBeTruthy();

    // After the longest token lifetime the old keys leave the JWKS on every node.
    a.clock.advance(KEY_OVERLAP_MS);
    for (const node of [a, b])
      expect((await jwksOf(node)).map((k) => k.kid).sort()).toEqual([...fresh].sort());

    // SEC-OIDC-08: the rotation is an audit event naming the keys.
    const events = await a.db.db
      .selectFrom('auditEvents')
      .select(['action', 'details'])
      .where('action', '=', 'oidc.keys_rotated')
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(String(events[0]?.details))).toMatchObject({
      newKids: fresh,
      retiredKids: expect.arrayContaining(oldKids) as unknown,
      retiredKeysPublishedSeconds: KEY_OVERLAP_MS / 1000,
    });
  });
});

describe('OpenID Provider: refresh tokens (SEC-OIDC-04)', () => {
  it('SEC-OIDC-04: refresh tokens rotate; presenting a used one revokes the whole grant', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const first = tokens.refresh_token ?? '';
    const rotated = await oidc.refreshTokenGrant(config, first);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(first);
    expect(await oauthError(oidc.refreshTokenGrant(config, first))).toBe('invalid_grant');
    await expectGrantDead(config, rotated.access_token, rotated.refresh_token);
    expect(await auditActions(t)).toContain('oidc.token_reuse_detected');
  });

  it('SEC-OIDC-04: two nodes redeeming one refresh token at once: exactly one succeeds and the grant is revoked', async () => {
    const [a, b] = await buildTwoNodes();
    const { config: configA, browser, registered } = await oidcScene(a);
    const configB = await relyingParty(b, registered);
    // Code issued on node A, redeemed on node B.
    const start = await startAuthorization(configA);
    const back = await browser.follow(start.url.href);
    const tokens = await oidc.authorizationCodeGrant(configB, new URL(back.url), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const results = await Promise.allSettled([
      oidc.refreshTokenGrant(configA, tokens.refresh_token ?? ''),
      oidc.refreshTokenGrant(configB, tokens.refresh_token ?? ''),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.find((r) => r.status === 'fulfilled');
    const loser = results.find((r) => r.status === 'rejected');
    expect(String((loser?.reason as { error?: string }).error)).toBe('invalid_grant');
    const won = (winner as PromiseFulfilledResult<Awaited<ReturnType<typeof oidc.refreshTokenGrant>>>).value;
    await expectGrantDead(configA, won.access_token, won.refresh_token);
  });

  it('SEC-OIDC-04: a refresh token unused for its idle lifetime dies', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const { OIDC_TTL } = await import('../../src/modules/oidc/index.js');
    t.clock.advance(OIDC_TTL.refreshIdle * 1000 + 1000);
    expect(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toBe(
      'invalid_grant',
    );
  });
});

describe('OpenID Provider: account changes reach the apps (SEC-OIDC-05)', () => {
  const scene = async () => {
    const t = await buildTestApp();
    const receiver = await logoutReceiver();
    const s = await oidcScene(t, { backchannelLogoutUri: receiver.uri });
    const { tokens } = await signInAtApp(t, s.config, s.browser);
    return { t, receiver, ...s, tokens };
  };

  const expectLoggedOut = async (s: Awaited<ReturnType<typeof scene>>, reason: string) => {
    // Ended at once, on the database every node reads, before any delivery.
    await expectGrantDead(s.config, s.tokens.access_token, s.tokens.refresh_token);
    expect(await s.t.app.oidc.deliverLogouts()).toBe(1);
    expect(s.receiver.tokens).toHaveLength(1);
    const { header, claims } = s.receiver.tokens[0] ?? { header: {}, claims: {} };
    expect(header.typ).toBe('logout+jwt');
    expect(claims.sub).toBe(s.member.id);
    expect(claims.aud).toBe(s.registered.id);
    expect(claims.iss).toBe(ISSUER);
    expect(claims.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    const rows = await s.t.db.db.selectFrom('oidcLogoutOutbox').selectAll().execute();
    expect(rows.map((r) => [r.reason, r.sentAt !== null])).toEqual([[reason, true]]);
  };

  it('SEC-OIDC-05: signing out of Gatehouse ends the app grants and sends a back-channel logout', async () => {
    const s = await scene();
    const res = await request(s.t, s.member.cookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(res.statusCode).toBeLessThan(300);
    await expectLoggedOut(s, 'auth.sign_out');
  });

  it('SEC-OIDC-05: deactivating a user mid-session: refresh fails and the app hears at once', async () => {
    const s = await scene();
    const res = await request(s.t, s.admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${s.member.id}/deactivate`,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await expectLoggedOut(s, 'user.deactivated');
  });

  it('SEC-OIDC-05: deleting a user ends their app grants and sends a back-channel logout', async () => {
    const s = await scene();
    const res = await request(s.t, s.admin.cookie, { method: 'DELETE', url: `/api/v1/users/${s.member.id}` });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await expectLoggedOut(s, 'user.deleted');
  });

  it('SEC-OIDC-05: an admin password reset ends the app grants too', async () => {
    const s = await scene();
    const res = await request(s.t, s.admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${s.member.id}/password`,
      payload: { generate: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    await expectLoggedOut(s, 'user.password_reset_by_admin');
  });

  it('SEC-OIDC-05: a role change that loses access ends that app only', async () => {
    const s = await scene();
    const res = await request(s.t, s.admin.cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${s.member.id}`,
      payload: { role: 'viewer' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await expectLoggedOut(s, 'user.role_changed');
  });

  it('SEC-OIDC-05: a failed delivery is retried with backoff and audited', async () => {
    const s = await scene();
    s.receiver.status = 500;
    await request(s.t, s.member.cookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(await s.t.app.oidc.deliverLogouts()).toBe(1);
    expect(await s.t.app.oidc.deliverLogouts()).toBe(0); // not due yet
    s.receiver.status = 200;
    s.t.clock.advance(31_000);
    expect(await s.t.app.oidc.deliverLogouts()).toBe(1);
    expect(s.receiver.tokens).toHaveLength(1);
    const actions = await auditActions(s.t);
    expect(actions).toContain('oidc.backchannel_logout_failed');
    expect(actions).toContain('oidc.backchannel_logout_sent');
    const list = await request(s.t, s.admin.cookie, { url: '/api/v1/apps/logout-deliveries' });
    expect(list.json<{ items: Json[] }>().items[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('OpenID Provider: client secrets (SEC-OIDC-06)', () => {
  it('SEC-OIDC-06: a secret of 256 bits is shown once and stored hashed; a wrong one, or the hash, is refused', async () => {
    const t = await buildTestApp();
    const { config, browser, registered, admin } = await oidcScene(t);
    const secret = registered.clientSecret ?? '';
    expect(Buffer.from(secret.replace(/^ghcs_/, ''), 'base64url').length).toBeGreaterThanOrEqual(32);
    const row = await t.db.db
      .selectFrom('oidcApps')
      .selectAll()
      .where('id', '=', registered.id)
      .executeTakeFirstOrThrow();
    expect(row.secretHash).toBe(sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const shown = await request(t, admin.cookie, { url: `/api/v1/apps/${registered.id}` });
    expect(shown.body).not.toContain(secret);
    expect(shown.json<Json>().hasSecret).toBe(true);

    const start = await startAuthorization(config);
    const back = await browser.follow(start.url.href);
    const code = new URL(back.url).searchParams.get('code') ?? '';
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: start.verifier,
    };
    for (const presented of [`${secret}x`, row.secretHash ?? '', '']) {
      const res = await tokenRequest(t, form, `${registered.id}:${presented}`);
      expect(res.statusCode).toBe(401);
      expect(res.json<Json>().error).toBe('invalid_client');
    }
    const viaPost = await tokenRequest(t, {
      ...form,
      client_id: registered.id,
      client_secret: row.secretHash ?? '',
    });
    expect(viaPost.json<Json>().error).toBe('invalid_client');
    const right = await tokenRequest(t, form, `${registered.id}:${secret}`);
    expect(right.statusCode, right.body).toBe(200);
  });

  it('SEC-OIDC-06: rotation with an overlap: the old secret works until the overlap ends', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const service = await registerApp(t, admin.cookie, { name: 'Job', type: 'service', redirectUris: [] });
    const rotate = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/apps/${service.id}/secret`,
      payload: { overlapHours: 1 },
    });
    expect(rotate.statusCode).toBe(200);
    const newSecret = rotate.json<{ clientSecret: string }>().clientSecret;
    const grant = (secret: string) =>
      tokenRequest(t, { grant_type: 'client_credentials' }, `${service.id}:${secret}`);
    expect((await grant(service.clientSecret ?? '')).statusCode).toBe(200);
    expect((await grant(newSecret)).statusCode).toBe(200);
    t.clock.advance(3_600_001);
    expect((await grant(service.clientSecret ?? '')).statusCode).toBe(401);
    expect((await grant(newSecret)).statusCode).toBe(200);
  });

  it('SEC-OIDC-06: a public app has no secret and cannot skip PKCE', async () => {
    const t = await buildTestApp();
    const { config, browser, registered } = await oidcScene(t, { type: 'spa' });
    expect(registered.clientSecret).toBeUndefined();
    const noPkce = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
    });
    const back = await browser.follow(noPkce.href);
    expect(new URL(back.url).searchParams.get('error')).toBe('invalid_request');
    const { tokens } = await signInAtApp(t, config, browser);
    expect(tokens.id_token).toBeTruthy();
  });
});

describe('OpenID Provider: who may use an app (SEC-OIDC-07)', () => {
  it('SEC-OIDC-07: a role the app does not admit gets access_denied at the app, audited', async () => {
    const t = await buildTestApp();
    const { config } = await oidcScene(t, { allowedRoles: ['admin'] });
    const viewer = await signedIn(t, 'viewer');
    const start = await startAuthorization(config);
    const back = await new Browser(t, viewer.cookie).follow(start.url.href);
    const url = new URL(back.url);
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(start.state);
    expect(url.searchParams.get('code')).toBeNull();
    await t.app.oidc.auditSettled();
    const denied = await t.db.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'oidc.access_denied')
      .execute();
    expect(denied).toHaveLength(1);
    expect(denied[0]?.actorId).toBe(viewer.id);
    expect(denied[0]?.outcome).toBe('denied');
  });
});

describe('OpenID Provider: audit (SEC-OIDC-08)', () => {
  it('SEC-OIDC-08: grants, token issues, refreshes (counted), app changes are audited; no token or secret in logs', async () => {
    const t = await buildTestApp();
    const { config, browser, registered, admin } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    await oidc.tokenIntrospection(config, refreshed.access_token);
    await request(t, admin.cookie, {
      method: 'PATCH',
      url: `/api/v1/apps/${registered.id}`,
      payload: { name: 'Renamed' },
    });
    await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/apps/${registered.id}/secret`,
      payload: {},
    });
    await t.app.auditRepeats.flush(true);
    const actions = await auditActions(t);
    for (const action of [
      'app.created',
      'oidc.grant',
      'oidc.token_issued',
      'oidc.token_refreshed',
      'app.updated',
      'app.secret_rotated',
    ])
      expect(actions, action).toContain(action);
    // RP-initiated logout carries the ID token in the query string.
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: POST_LOGOUT,
    });
    expect((await browser.send({ url: endSession.href })).statusCode).toBeLessThan(500);
    const logs = t.logs.join('\n');
    expect(logs).toContain('id_token_hint=[redacted]');
    for (const secret of [
      registered.clientSecret ?? '',
      tokens.access_token,
      tokens.refresh_token ?? '',
      refreshed.refresh_token ?? '',
      tokens.id_token ?? '',
    ])
      expect(logs).not.toContain(secret);
  });
});
