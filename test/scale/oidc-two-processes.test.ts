import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGatehouse } from '../cli/run.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import { TEST_SECRET_KEY } from '../secrets.js';
import { openDatabase, seedUser, signIn, sleep, startGatehouse, type GatehouseProcess } from './process.js';

/*
 * The OpenID Provider on two real server processes sharing one database (issue 12): a code issued by
 * one is redeemed at the other; two redemptions of one refresh token at the same moment, one at each
 * node → exactly one succeeds and the grant is revoked (SEC-OIDC-01, SEC-OIDC-04). On PostgreSQL as
 * deployed; on SQLite, two processes on one file.
 */
const PG = TEST_DIALECT === 'postgres';
let nodeA: GatehouseProcess;
let nodeB: GatehouseProcess;
let cleanup: () => Promise<void> = async () => undefined;
let member: { id: string; email: string; password: string };
let basic = '';
let clientId = '';
let databaseUrl = '';
const REDIRECT = 'https://app.example.test/callback';

beforeAll(async () => {
  if (PG) {
    const name = `gh_test_oidc_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    databaseUrl = databaseUrlFor(name);
    cleanup = async () => {
      const d = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-oidc-nodes-'));
    databaseUrl = join(dir, 'gatehouse.sqlite');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const handle = openDatabase(databaseUrl);
  await handle.migrate();
  const admin = await seedUser(handle, { email: 'admin@example.test', role: 'admin' });
  member = await seedUser(handle, { email: 'member@example.test', role: 'member' });
  await handle.close();
  // Both at once on a table without signing keys: they must agree on one set.
  [nodeA, nodeB] = await Promise.all([startGatehouse({ databaseUrl }), startGatehouse({ databaseUrl })]);
  const adminCookie = await signIn(nodeA.url, admin.email, admin.password);
  const res = await fetch(`${nodeA.url}/api/v1/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: adminCookie },
    body: JSON.stringify({
      name: 'App',
      type: 'web',
      redirectUris: [REDIRECT],
      allowedRoles: ['member'],
      firstParty: true,
    }),
  });
  const created = (await res.json()) as { app: { id: string }; clientSecret: string };
  clientId = created.app.id;
  basic = Buffer.from(`${clientId}:${created.clientSecret}`).toString('base64');
}, 120_000);

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await cleanup();
});

/** The front channel at one node, as a browser with a Gatehouse session there: a code and its verifier. */
async function codeFrom(node: GatehouseProcess, cookie: string) {
  const verifier = randomBytes(32).toString('base64url');
  const cookies = new Map<string, string>([cookie.split('=') as [string, string]]);
  let url = `${node.url}/oidc/auth?${new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'openid offline_access',
    prompt: 'consent',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'st',
    nonce: 'no',
  })}`;
  for (let i = 0; i < 10; i += 1) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [name, ...rest] = (c.split(';')[0] ?? '').split('=');
      if (name) cookies.set(name, rest.join('='));
    }
    const location = res.headers.get('location') ?? '';
    const next = new URL(location, url);
    if (next.href.startsWith(REDIRECT)) return { code: next.searchParams.get('code') ?? '', verifier };
    url = next.href.replace('//localhost:', '//127.0.0.1:');
  }
  throw new Error('no code');
}

function token(node: GatehouseProcess, form: Record<string, string>) {
  return fetch(`${node.url}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams(form),
  });
}

/** `gatehouse keys rotate`, as an operator runs it against the nodes' database. */
function rotateKeys() {
  return runGatehouse(['keys', 'rotate'], {
    cwd: tmpdir(),
    env: {
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: nodeA.url.replace('127.0.0.1', 'localhost'),
      SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'warn',
    },
  });
}

async function kidsOf(node: GatehouseProcess): Promise<string[]> {
  const jwks = (await (await fetch(`${node.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
  return jwks.keys.map((k) => k.kid).sort();
}

const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

describe(
  PG
    ? 'OpenID Provider on two server processes, one PostgreSQL'
    : 'OpenID Provider on two server processes, one SQLite file',
  () => {
    it('SEC-OIDC-01 / SEC-OIDC-04: a code issued by one node is redeemed at the other; one refresh token redeemed at both at once → exactly one succeeds and the grant is revoked', async () => {
      const jwksA = (await (await fetch(`${nodeA.url}/oidc/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      const jwksB = (await (await fetch(`${nodeB.url}/oidc/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      expect(jwksA.keys.map((k) => k.kid).sort()).toEqual(jwksB.keys.map((k) => k.kid).sort());

      const cookie = await signIn(nodeA.url, member.email, member.password);
      const { code, verifier } = await codeFrom(nodeA, cookie);
      const exchanged = await token(nodeB, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
      });
      expect(exchanged.status).toBe(200);
      const tokens = (await exchanged.json()) as { refresh_token: string; access_token: string };
      expect(tokens.refresh_token).toBeTruthy();

      const answers = await Promise.all([
        token(nodeA, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
        token(nodeB, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      ]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400]);
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<Record<string, string>>;
      const loser = bodies.find((b) => b.error);
      expect(loser?.error).toBe('invalid_grant');
      const winner = bodies.find((b) => b.refresh_token) ?? {};
      // The grant is gone on both nodes: the winner's new tokens are dead too.
      for (const node of [nodeA, nodeB]) {
        const again = await token(node, {
          grant_type: 'refresh_token',
          refresh_token: winner.refresh_token ?? '',
        });
        expect(again.status).toBe(400);
        const info = await fetch(`${node.url}/oidc/userinfo`, {
          headers: { authorization: `Bearer ${winner.access_token}` },
        });
        expect(info.status).toBe(401);
      }
    });

    it('SEC-OIDC-03: gatehouse keys rotate → both nodes publish and sign with the new keys within seconds, no restart; a token from before still verifies; audited', async () => {
      const cookie = await signIn(nodeA.url, member.email, member.password);
      const idTokenAt = async (node: GatehouseProcess) => {
        const { code, verifier } = await codeFrom(node, cookie);
        const res = await token(node, {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { id_token: string }).id_token;
      };
      const before = await idTokenAt(nodeA);
      const oldKids = await kidsOf(nodeA);
      expect(await kidsOf(nodeB)).toEqual(oldKids);
      expect(oldKids).toContain(kidOf(before));

      const rotated = await rotateKeys();
      expect(rotated.code, rotated.stderr).toBe(0);
      const handle = openDatabase(databaseUrl);
      const fresh = await handle.db
        .selectFrom('oidcKeys')
        .select('kid')
        .where('retiredAt', 'is', null)
        .execute()
        .then((rows) => rows.map((r) => r.kid).sort());
      const audited = await handle.db
        .selectFrom('auditEvents')
        .select('actorLabel')
        .where('action', '=', 'oidc.keys_rotated')
        .execute();
      await handle.close();
      expect(fresh).toHaveLength(2);
      expect(rotated.stdout).toContain(fresh[0]);
      expect(audited.map((e) => e.actorLabel)).toEqual(['cli']);

      // Each node takes the new set in by itself (its check runs at most every 5 s): polled, bounded.
      const expected = [...oldKids, ...fresh].sort();
      const started = Date.now();
      for (const node of [nodeA, nodeB]) {
        while ((await kidsOf(node)).join() !== expected.join()) {
          if (Date.now() - started > 20_000)
            throw new Error(`${node.url} still publishes ${await kidsOf(node)}`);
          await sleep(100);
        }
      }
      // New ID tokens carry a new kid on both nodes; the one from before still verifies.
      for (const node of [nodeA, nodeB]) expect(fresh).toContain(kidOf(await idTokenAt(node)));
      const published = createLocalJWKSet(
        (await (await fetch(`${nodeB.url}/oidc/jwks`)).json()) as { keys: never[] },
      );
      const verified = await jwtVerify(before, published, { audience: clientId });
      expect(verified.payload.sub).toBe(member.id);
    });
  },
);
