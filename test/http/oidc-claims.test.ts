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

  it('email_verified: a used Forgot password link proves the address; an admin changing the address clears it, in the claim and in the API alike', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const app = await registerApp(t, admin.cookie);
    const config = await relyingParty(t, app);
    const member = await signedIn(t, 'member');
    const verifiedInApi = async () =>
      (await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${member.id}` })).json()
        .emailVerified as boolean;
    const claim = async (cookie: string) => {
      const signed = await signInAtApp(t, config, new Browser(t, cookie));
      return (await oidc.fetchUserInfo(config, signed.tokens.access_token, member.id)).email_verified;
    };
    expect(await verifiedInApi()).toBe(false);

    // Forgot password: the link goes only to the member's address, and using it proves that address.
    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: member.email },
    });
    expect(forgot.statusCode, forgot.body).toBe(202);
    const mail = await t.db.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', member.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.textBody ?? '')?.[1] ?? '';
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, newPassword: 'a brand new passphrase for nina 7' },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: member.email, password: 'a brand new passphrase for nina 7' },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(await verifiedInApi()).toBe(true);
    expect(await claim(sessionCookieOf(signIn))).toBe(true);

    // An admin gives the member another address: nobody proved that one yet.
    const changed = await request(t, admin.cookie, {
      method: 'PUT',
      url: `/api/v1/users/${member.id}/email`,
      payload: { email: 'renamed-member@example.test' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await verifiedInApi()).toBe(false);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'renamed-member@example.test', password: 'a brand new passphrase for nina 7' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(await claim(sessionCookieOf(again))).toBe(false);
  });
});
