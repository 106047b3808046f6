import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signedIn, type TestApp } from '../harness.js';

/**
 * Issue 14 (minor): "Settings saved in the database override the environment … show in Settings
 * which value is in force and where it comes from. Link lifetimes (invitation, admin reset link,
 * self-service link) are settings." The settings API says each value's source; a changed lifetime
 * applies to the next link issued, in its expiry and in the mail that carries it.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Settings {
  organizationName: string;
  passwordMinLength: number;
  selfResetLinkMinutes: number;
  adminResetLinkHours: number;
  invitationLinkHours: number;
  logoUrl: string | null;
  sources: Record<string, 'database' | 'environment' | 'default'>;
}

describe('settings: the value in force and where it comes from', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp({ env: { ORGANIZATION_NAME: 'Env Org', INVITATION_LINK_HOURS: '48' } });
    admin = (await signedIn(t, 'admin')).cookie;
  });

  const get = async () => {
    const res = await request(t, admin, { method: 'GET', url: '/api/v1/settings' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Settings>();
  };
  const patch = (payload: object) => request(t, admin, { method: 'PATCH', url: '/api/v1/settings', payload });

  /** The newest outbox message of a template: what the mail will say. */
  const lastMail = async (template: string, to: string) =>
    (
      await t.db.db
        .selectFrom('mailOutbox')
        .select(['textBody', 'createdAt'])
        .where('template', '=', template)
        .where('toAddress', '=', to)
        .orderBy('createdAt', 'desc')
        .executeTakeFirstOrThrow()
    ).textBody ?? '';

  it('each setting says environment, default or database; a saved value overrides the environment', async () => {
    const before = await get();
    expect(before.organizationName).toBe('Env Org');
    expect(before.sources.organizationName).toBe('environment');
    expect(before.invitationLinkHours).toBe(48);
    expect(before.sources.invitationLinkHours).toBe('environment');
    expect(before.sources.passwordMinLength).toBe('default');
    expect(before.sources.selfResetLinkMinutes).toBe('default');
    expect(before.sources.membersMayInvite).toBe('default');
    expect(before.logoUrl).toBeNull();
    // Every setting has a source, and nothing else does.
    const { sources, ...values } = before;
    expect(Object.keys(sources).sort()).toEqual(Object.keys(values).sort());

    const res = await patch({ organizationName: 'Saved Org', passwordMinLength: 16 });
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json<Settings>();
    expect(after.organizationName).toBe('Saved Org');
    expect(after.sources.organizationName).toBe('database');
    expect(after.sources.passwordMinLength).toBe('database');
    expect(after.sources.invitationLinkHours).toBe('environment');
    expect((await get()).sources.organizationName).toBe('database');
  });

  it('lifetimes and the logo are validated: out of range or not https → 400 naming the field, nothing saved', async () => {
    const refused: Array<[object, string, string]> = [
      [{ selfResetLinkMinutes: 4 }, 'selfResetLinkMinutes', 'selfResetLinkMinutes must be at least 5'],
      [{ selfResetLinkMinutes: 121 }, 'selfResetLinkMinutes', 'selfResetLinkMinutes must be at most 120'],
      [{ adminResetLinkHours: 0 }, 'adminResetLinkHours', 'adminResetLinkHours must be at least 1'],
      [{ adminResetLinkHours: 169 }, 'adminResetLinkHours', 'adminResetLinkHours must be at most 168'],
      [{ invitationLinkHours: 721 }, 'invitationLinkHours', 'invitationLinkHours must be at most 720'],
      [{ invitationLinkHours: 1.5 }, 'invitationLinkHours', 'invitationLinkHours must be an integer'],
      [{ logoUrl: 'http://example.com/logo.png' }, 'logoUrl', 'logoUrl must be an https:// URL'],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl', 'logoUrl must be an https:// URL'],
      [{ logoUrl: 'https://user:pw@example.com/x.png' }, 'logoUrl', 'logoUrl must be an https:// URL'],
    ];
    const before = await get();
    for (const [payload, field, message] of refused) {
      const res = await patch(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const error = res.json<{ error: { code: string; field: string; message: string } }>().error;
      expect(error).toMatchObject({ code: 'validation_failed', field, message });
    }
    expect(await get()).toEqual(before);

    const logo = await patch({ logoUrl: 'https://cdn.example.com/logo.svg' });
    expect(logo.statusCode, logo.body).toBe(200);
    expect(logo.json<Settings>()).toMatchObject({
      logoUrl: 'https://cdn.example.com/logo.svg',
      sources: { logoUrl: 'database' },
    });
    expect((await patch({ logoUrl: null })).json<Settings>().logoUrl).toBeNull();
  });

  it('SEC-RST-03: a changed self-service lifetime applies to the next Forgot password link (expiry and mail)', async () => {
    const user = await seedUser(t, { email: 'lifetime.self@example.test' });
    expect((await patch({ selfResetLinkMinutes: 10 })).statusCode).toBe(200);
    const asked = t.clock.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: user.email },
      remoteAddress: '198.51.100.77',
    });
    expect(res.statusCode).toBe(202);
    const token = await t.db.db
      .selectFrom('passwordResetTokens')
      .select('expiresAt')
      .where('userId', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(token.expiresAt)).toBe(asked + 10 * MINUTE);
    expect(await lastMail('password_reset', user.email)).toContain('expires in 10 minutes');

    expect((await patch({ selfResetLinkMinutes: 1 * 60 })).statusCode).toBe(200);
    expect((await get()).selfResetLinkMinutes).toBe(60);
  });

  it('SEC-RST-03: a changed admin reset-link lifetime applies to the next link an admin creates', async () => {
    const user = await seedUser(t, { email: 'lifetime.admin@example.test' });
    const create = () =>
      request(t, admin, {
        method: 'POST',
        url: `/api/v1/users/${user.id}/password-reset-link`,
        payload: { send: true },
      });
    const first = await create();
    expect(new Date(first.json<{ expiresAt: string }>().expiresAt).getTime()).toBe(t.clock.now() + 24 * HOUR);

    expect((await patch({ adminResetLinkHours: 2 })).statusCode).toBe(200);
    t.clock.advance(MINUTE);
    const second = await create();
    expect(second.statusCode, second.body).toBe(200);
    expect(new Date(second.json<{ expiresAt: string }>().expiresAt).getTime()).toBe(t.clock.now() + 2 * HOUR);
    expect(await lastMail('admin_reset_link', user.email)).toContain('expires in 2 hours');
  });

  it('SEC-RST-03: a changed invitation lifetime applies to new invitations, not to ones already sent', async () => {
    const invite = async (email: string) => {
      const res = await request(t, admin, {
        method: 'POST',
        url: '/api/v1/invitations',
        payload: { email, role: 'member' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return new Date(res.json<{ invitation: { expiresAt: string } }>().invitation.expiresAt).getTime();
    };
    // From the environment (INVITATION_LINK_HOURS=48).
    expect(await invite('inv.env@example.test')).toBe(t.clock.now() + 48 * HOUR);
    expect(await lastMail('invitation', 'inv.env@example.test')).toContain('expires in 48 hours');

    expect((await patch({ invitationLinkHours: 1 })).statusCode).toBe(200);
    expect(await invite('inv.db@example.test')).toBe(t.clock.now() + 1 * HOUR);
    expect(await lastMail('invitation', 'inv.db@example.test')).toContain('expires in 1 hour.');

    const list = await request(t, admin, { method: 'GET', url: '/api/v1/invitations?q=inv.env' });
    const items = list.json<{ items: Array<{ email: string; expiresAt: string }> }>().items;
    expect(new Date(items[0]?.expiresAt ?? 0).getTime() - t.clock.now()).toBe(48 * HOUR);
  });
});
