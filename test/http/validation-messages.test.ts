import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, signedIn, type TestApp } from '../harness.js';

/**
 * Issue 14 (minor): "API errors name the field and the rule ('role must be one of admin, member,
 * viewer'; 'password or generatePassword is required'), never 'body: Invalid input'." Walks several
 * routes with bad bodies and query strings and reads what a client would show.
 */
interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    details?: Array<{ path: string; field?: string; message: string }>;
  };
}

describe('validation errors name the field and the rule', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = (await signedIn(t, 'admin')).cookie;
  });

  async function refused(method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) {
    const res = await request(t, admin, { method, url, ...(payload === undefined ? {} : { payload }) });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json<ErrorBody>().error;
    expect(body.code).toBe('validation_failed');
    // Zod's generic words never reach a client.
    expect(body.message).not.toMatch(/Invalid input|expected \w+, received|^body:/);
    for (const d of body.details ?? []) expect(d.message).not.toMatch(/Invalid input|received/);
    return body;
  }

  const user = { email: 'new.person@example.test', name: 'New Person' };

  const cases: Array<{
    what: string;
    method: 'POST' | 'PATCH' | 'GET';
    url: string;
    payload?: object;
    message: string;
    field: string;
  }> = [
    {
      what: 'an enum value',
      method: 'POST',
      url: '/api/v1/users',
      payload: { ...user, role: 'owner', password: 'x' },
      message: 'role must be one of admin, member, viewer',
      field: 'role',
    },
    {
      what: 'a union whose alternatives are missing fields',
      method: 'POST',
      url: '/api/v1/users',
      payload: { ...user, role: 'member' },
      message: 'password or generatePassword is required',
      field: '',
    },
    {
      what: 'both alternatives at once',
      method: 'POST',
      url: '/api/v1/users',
      payload: { ...user, role: 'member', password: 'x', generatePassword: true },
      message: 'Give only one of generatePassword, password',
      field: '',
    },
    {
      what: 'a missing field',
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { role: 'member' },
      message: 'email is required',
      field: 'email',
    },
    {
      what: 'a wrong type',
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: 'yes' },
      message: 'membersMayInvite must be true or false',
      field: 'membersMayInvite',
    },
    {
      what: 'a number too small',
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { passwordMinLength: 4 },
      message: 'passwordMinLength must be at least 8',
      field: 'passwordMinLength',
    },
    {
      what: 'a string too long',
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'x'.repeat(201) },
      message: 'name must be at most 200 characters',
      field: 'name',
    },
    {
      what: 'an empty string',
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: '   ' },
      message: 'name must not be empty',
      field: 'name',
    },
    {
      what: 'a format (email)',
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'not-an-address', role: 'member' },
      message: 'email must be an email address',
      field: 'email',
    },
    {
      what: 'a format (date-time)',
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'ci', expiresAt: 'tomorrow' },
      message: 'expiresAt must be a date and time (ISO 8601)',
      field: 'expiresAt',
    },
    {
      what: 'an unknown field',
      method: 'PATCH',
      url: '/api/v1/users/00000000-0000-0000-0000-000000000000',
      payload: { name: 'A', colour: 'blue' },
      message: 'colour is not a known field',
      field: 'colour',
    },
    {
      what: 'a query parameter',
      method: 'GET',
      url: '/api/v1/users?limit=500',
      message: 'query parameter limit must be at most 100',
      field: 'limit',
    },
    {
      what: 'a whole-body rule',
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: {},
      message: 'Give at least one setting',
      field: '',
    },
  ];

  for (const c of cases) {
    it(`${c.what}: ${c.method} ${c.url.split('?')[0]} → "${c.message}"`, async () => {
      const body = await refused(c.method, c.url, c.payload);
      expect(body.message).toBe(c.message);
      expect(body.field ?? '').toBe(c.field);
      expect(body.details?.[0]?.message).toBe(c.message);
    });
  }

  it('every problem is listed in details, each with its field', async () => {
    const body = await refused('POST', '/api/v1/invitations', { email: 'nope', role: 'boss' });
    expect(body.details?.map((d) => [d.field, d.message]).sort()).toEqual([
      ['email', 'email must be an email address'],
      ['role', 'role must be one of admin, member, viewer'],
    ]);
    expect(body.details?.map((d) => d.path).sort()).toEqual(['body.email', 'body.role']);
  });

  it('a refused request changes nothing', async () => {
    await refused('POST', '/api/v1/users', { ...user, role: 'owner', password: 'x' });
    const list = await request(t, admin, { method: 'GET', url: '/api/v1/users?q=new.person' });
    expect(list.json<{ total: number }>().total).toBe(0);
  });
});
