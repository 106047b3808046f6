import { describe, expect, it } from 'vitest';
import { buildTestApp, request, sessionCookieOf, signedIn, STRONG_PASSWORD } from '../harness.js';
import { Browser, oidc, registerApp, relyingParty, signInAtApp } from '../oidc/rp.js';

/*
 * The claims an app receives (issue 12): sub = the user id, profile (name, locale), email with
 * email_verified (true once the user proved the address), roles.
 */
describe('OpenID claims', () => {
  it('email_verified is false for an account made by an admin, true for one made by accepting a mailed invitation', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const app = await registerApp(t, admin.cookie);
    const config = await relyingParty(t, app);

    // Made by an admin: nobody proved the address.
    const member = await signedIn(t, 'member');
    const made = await signInAtApp(t, config, new Browser(t, member.cookie));
    const madeInfo = await oidc.fetchUserInfo(config, made.tokens.access_token, member.id);
    expect(madeInfo).toMatchObject({
      sub: member.id,
      email: member.email,
      email_verified: false,
      roles: ['member'],
    });
    expect(madeInfo.name).toBeTruthy();

    // Invited, and the link from the mail used.
    const invited = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'nina@example.test', role: 'member' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const mail = await t.db.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', 'nina@example.test')
      .executeTakeFirstOrThrow();
    const token = /\/invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.textBody ?? '')?.[1] ?? '';
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, name: 'Nina Newcomer', password: STRONG_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const nina = await signInAtApp(t, config, new Browser(t, sessionCookieOf(accepted)));
    const sub = String(nina.tokens.claims()?.sub);
    const info = await oidc.fetchUserInfo(config, nina.tokens.access_token, sub);
    expect(info).toMatchObject({
      email: 'nina@example.test',
      email_verified: true,
      name: 'Nina Newcomer',
      roles: ['member'],
    });
  });
});
