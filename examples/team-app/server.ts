/**
 * Team app: a small web app that signs people in with Gatehouse (OpenID Connect, issue 12).
 *
 *   1. Register it (admin): gatehouse apps create --name "Team app" --first-party \
 *        --redirect-uri http://localhost:3001/callback --post-logout-uri http://localhost:3001/ \
 *        --backchannel-logout-uri http://localhost:3001/backchannel-logout --roles admin,member
 *   2. Start it:  ISSUER=http://localhost:8080 CLIENT_ID=<client id> CLIENT_SECRET=<secret> \
 *        npx tsx examples/team-app/server.ts
 *   3. Open http://localhost:3001 and choose "Sign in with Gatehouse".
 *
 * Sessions are kept in memory (one process). Signing out here ends Gatehouse's session for the app too
 * (RP-initiated logout); Gatehouse ends this app's sessions through the back-channel logout endpoint
 * when the person signs out of Gatehouse, is deactivated, reset by an admin, or loses the app by a role change.
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

const ISSUER = process.env.ISSUER ?? 'http://localhost:8080';
const CLIENT_ID = process.env.CLIENT_ID ?? '';
const CLIENT_SECRET = process.env.CLIENT_SECRET ?? '';
const PORT = Number(process.env.PORT ?? 3001);
const BASE = process.env.APP_URL ?? `http://localhost:${PORT}`;
if (!CLIENT_ID || !CLIENT_SECRET)
  throw new Error('set CLIENT_ID and CLIENT_SECRET (gatehouse apps create prints them)');

const config = await oidc.discovery(
  new URL(ISSUER),
  CLIENT_ID,
  undefined,
  oidc.ClientSecretBasic(CLIENT_SECRET),
  {
    execute: ISSUER.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
  },
);
const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri ?? `${ISSUER}/oidc/jwks`));

interface Session {
  sub: string;
  name: string;
  email: string;
  roles: string[];
  idToken: string;
}
const sessions = new Map<string, Session>();
const pending = new Map<string, { verifier: string; state: string; nonce: string }>();

const app = Fastify({ logger: { level: 'info' } });
await app.register(cookie);
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(String(body)))),
);

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Team app</title></head><body>${body}</body></html>`;

app.get('/', async (request, reply) => {
  const session = sessions.get(request.cookies.team_session ?? '');
  reply.type('text/html');
  if (!session)
    return page('<h1>Team app</h1><p><a id="sign-in" href="/login">Sign in with Gatehouse</a></p>');
  return page(
    `<h1>Team app</h1><p id="who">Signed in as <b>${escape(session.name)}</b> (${escape(session.email)}), role <b id="role">${escape(session.roles.join(', '))}</b></p>` +
      '<form method="post" action="/logout"><button id="sign-out">Sign out</button></form>',
  );
});

app.get('/login', async (_request, reply) => {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const key = randomBytes(16).toString('base64url');
  pending.set(key, { verifier, state, nonce });
  reply.setCookie('team_login', key, { path: '/', httpOnly: true, sameSite: 'lax' });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${BASE}/callback`,
    scope: 'openid profile email roles',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return reply.redirect(url.href);
});

app.get('/callback', async (request, reply) => {
  const login = pending.get(request.cookies.team_login ?? '');
  if (!login) return reply.code(400).send('No sign-in in progress.');
  pending.delete(request.cookies.team_login ?? '');
  const current = new URL(request.url, BASE);
  if (current.searchParams.get('error'))
    return reply
      .type('text/html')
      .send(
        page(
          `<p id="error">Gatehouse said: ${escape(current.searchParams.get('error') ?? '')}</p><p><a href="/">Back</a></p>`,
        ),
      );
  const tokens = await oidc.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: login.verifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
  });
  const claims = tokens.claims();
  if (!claims) return reply.code(400).send('No ID token.');
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  const id = randomBytes(32).toString('base64url');
  sessions.set(id, {
    sub: claims.sub,
    name: String(info.name ?? ''),
    email: String(info.email ?? ''),
    roles: Array.isArray(info.roles) ? info.roles.map(String) : [],
    idToken: tokens.id_token ?? '',
  });
  reply.setCookie('team_session', id, { path: '/', httpOnly: true, sameSite: 'lax' });
  return reply.redirect('/');
});

app.post('/logout', async (request, reply) => {
  const id = request.cookies.team_session ?? '';
  const session = sessions.get(id);
  sessions.delete(id);
  reply.clearCookie('team_session', { path: '/' });
  if (!session) return reply.redirect('/');
  return reply.redirect(
    oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${BASE}/` })
      .href,
  );
});

/** OpenID Connect Back-Channel Logout 1.0: a signed logout token ends every session of its subject here. */
app.post('/backchannel-logout', async (request, reply) => {
  const token = (request.body as { logout_token?: string } | undefined)?.logout_token ?? '';
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: config.serverMetadata().issuer,
      audience: CLIENT_ID,
      typ: 'logout+jwt',
      maxTokenAge: '2m',
    });
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events?.['http://schemas.openid.net/event/backchannel-logout'] || payload.nonce !== undefined)
      throw new Error('not a logout token');
    let ended = 0;
    for (const [id, session] of sessions) {
      if (session.sub === payload.sub) {
        sessions.delete(id);
        ended += 1;
      }
    }
    request.log.info({ sub: payload.sub, ended }, 'back-channel logout');
    return reply.code(200).header('cache-control', 'no-store').send();
  } catch (error) {
    request.log.warn({ err: error }, 'refused a logout token');
    return reply.code(400).send({ error: 'invalid_request' });
  }
});

await app.listen({ port: PORT, host: '127.0.0.1' });
