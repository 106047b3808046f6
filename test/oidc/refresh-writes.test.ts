import { describe, expect, it } from 'vitest';
import { commitTokenWrites } from '../../src/modules/oidc/token-writes.js';
import { TEST_DIALECT } from '../database.js';
import { statementsSentDuring } from '../db/statements-sent.js';
import { buildTestApp, type TestApp } from '../harness.js';
import { appOf, injectFetch, ISSUER, oidc, oidcScene, signInAtApp } from './rp.js';

/*
 * The refresh grant's writes (issue 12): the used token's consume, the new refresh token and the
 * access token commit in one transaction (token-writes.ts), so a refresh costs one commit (one fsync
 * on SQLite), and a request that loses a race for the token writes nothing of its own.
 *
 * Statements are counted at the drivers (test/db/statements-sent.ts), as in test/http/query-counts.test.ts.
 */
/** What a statement does to the provider's storage, or to the transaction; undefined for the rest. */
function kindOf(sql: string): string | undefined {
  const text = sql.trim().toLowerCase();
  if (/^begin/.test(text)) return 'begin';
  if (/^commit/.test(text)) return 'commit';
  if (/^rollback/.test(text)) return 'rollback';
  if (!text.includes('"oidc_payloads"')) return undefined;
  if (text.startsWith('update')) return 'consume';
  if (text.startsWith('insert')) return 'save';
  if (text.startsWith('delete')) return 'delete';
  return 'read';
}

async function rows(t: TestApp, model: string) {
  return t.db.db.selectFrom('oidcPayloads').selectAll().where('model', '=', model).execute();
}

async function auditActions(t: TestApp): Promise<string[]> {
  await t.app.oidc.auditSettled();
  const events = await t.db.db.selectFrom('auditEvents').select('action').orderBy('id').execute();
  return events.map((e) => e.action);
}

async function expectGrantDead(config: oidc.Configuration, accessToken: string) {
  const userinfo = await injectFetch(appOf(config))(`${ISSUER}/oidc/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(userinfo.status).toBe(401);
}

describe('the refresh grant writes once (issue 12)', () => {
  it('SEC-OIDC-04: a refresh grant consumes the used token and saves the new tokens in one transaction, committed before the answer', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const refresh = (token: string) => statementsSentDuring(() => oidc.refreshTokenGrant(config, token));
    // The first refresh of the minute writes its audit event; the next ones are counted into it
    // (SEC-OIDC-08). The app's timers (live settings) may add a read while a request runs; the
    // provider's storage and the transactions are what is asserted.
    const first = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    await t.app.oidc.auditSettled(); // written beside the answer: done before counting starts
    const { result: rotated, statements: sent } = await refresh(first.refresh_token ?? '');
    const kinds = sent.map(kindOf).filter((k) => k !== undefined);
    // Reads (the refresh token, the grant), then one transaction: consume, new refresh token, access token.
    expect(kinds).toEqual(['read', 'read', 'begin', 'consume', 'save', 'save', 'commit']);
    // Every statement of the grant (the app, the account, the two reads, the transaction's five).
    expect(sent.length).toBeLessThanOrEqual(9);

    // What the transaction wrote is what the app got: the new refresh token works, the old one is spent.
    const again = await oidc.refreshTokenGrant(config, rotated.refresh_token ?? '');
    expect(again.refresh_token).toBeTruthy();
    const spent = (await rows(t, 'RefreshToken')).filter((r) => r.consumedAt !== null);
    expect(spent).toHaveLength(3);
  });

  it('SEC-OIDC-04: a refresh token consumed by another node between the read and the commit: nothing of this request is written, the grant is revoked', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const [token] = await rows(t, 'RefreshToken');
    if (!token) throw new Error('no refresh token stored');
    // The other node's consume, committed first.
    await t.db.db
      .updateTable('oidcPayloads')
      .set({ consumedAt: t.clock.now() })
      .where('model', '=', 'RefreshToken')
      .where('id', '=', token.id)
      .execute();
    // This request's writes, as the provider queued them: the consume, then the new tokens.
    const newToken = { ...token, id: 'new-refresh-token', consumedAt: null };
    const effects: string[] = [];
    const commit = commitTokenWrites(t.db.db, t.clock, {
      consumes: [{ model: 'RefreshToken', id: token.id }],
      saves: [newToken, { ...token, model: 'AccessToken', id: 'new-access-token', consumedAt: null }],
      afterCommit: [() => effects.push('counted')],
    });
    await expect(commit).rejects.toMatchObject({ error: 'invalid_grant' });
    // Rolled back (the new tokens never existed) and the whole grant revoked.
    expect(
      await t.db.db.selectFrom('oidcPayloads').select('id').where('grantId', '=', token.grantId).execute(),
    ).toEqual([]);
    expect(await rows(t, 'Grant')).toEqual([]);
    expect(effects).toEqual([]);
    await expectGrantDead(config, tokens.access_token);
  });

  it('SEC-OIDC-04: one refresh token presented twice at once on one node: one answer has tokens, the other invalid_grant, the grant is revoked and the reuse audited', async () => {
    const t = await buildTestApp();
    const { config, browser } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    const results = await Promise.allSettled([
      oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''),
      oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(String((loser?.reason as { error?: string }).error)).toBe('invalid_grant');
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<
      Awaited<ReturnType<typeof oidc.refreshTokenGrant>>
    >;
    await expectGrantDead(config, winner.value.access_token);
    expect(await rows(t, 'Grant')).toEqual([]);
    expect(await auditActions(t)).toContain('oidc.token_reuse_detected');
  });

  it('a failed commit answers server_error, never tokens that were not stored', async () => {
    const t = await buildTestApp();
    const { config, browser, registered } = await oidcScene(t);
    const { tokens } = await signInAtApp(t, config, browser);
    // Saving the new tokens fails (a trigger standing in for a database that refuses the write).
    const { sql } = await import('kysely');
    const trigger =
      TEST_DIALECT === 'postgres'
        ? [
            sql`create function refuse_tokens() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`,
            sql`create trigger refuse_tokens before insert on oidc_payloads for each row when (new.model = 'AccessToken') execute function refuse_tokens()`,
          ]
        : [
            sql`create trigger refuse_tokens before insert on oidc_payloads when new.model = 'AccessToken' begin select raise(abort, 'refused'); end`,
          ];
    for (const statement of trigger) await statement.execute(t.db.db);
    const res = await t.app.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host: 'localhost:8080',
        authorization: `Basic ${Buffer.from(`${registered.id}:${registered.clientSecret ?? ''}`).toString('base64')}`,
      },
      payload: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      }).toString(),
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: 'server_error' });
    expect(res.body).not.toContain('access_token');
    // Rolled back as a whole: the used token is not spent, nothing new was stored.
    const refreshTokens = await rows(t, 'RefreshToken');
    expect(refreshTokens.map((r) => r.consumedAt)).toEqual([null]);
  });
});
