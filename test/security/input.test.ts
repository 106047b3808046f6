import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildTestApp, seedUser, signIn, type TestApp } from '../harness.js';

/* Input handling (SEC-IN-01..05): size limits, strict schemas, normalization, control characters, error hygiene. */

/** Every response of this file; SEC-IN-05 checks that none leaks internals. */
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

const errorCode = (res: LightMyRequestResponse): string | undefined =>
  res.body ? (res.json() as { error?: { code?: string } }).error?.code : undefined;

const outcome = (res: LightMyRequestResponse) => `${res.statusCode} ${errorCode(res) ?? ''}`.trim();

const json = (payload: string): Pick<InjectOptions, 'headers' | 'payload'> => ({
  headers: { 'content-type': 'application/json' },
  payload,
});

async function world() {
  const t = await buildTestApp();
  const admin = await seedUser(t, { role: 'admin' });
  const member = await seedUser(t, { role: 'member' });
  const adminCookie = await signIn(t, admin.email, admin.password);
  const memberCookie = await signIn(t, member.email, member.password);
  return { t, admin, member, adminCookie, memberCookie };
}

async function stillHealthy(t: TestApp, user: { email: string; password: string }) {
  expect((await call(t, null, { method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  expect((await call(t, null, { method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  const res = await call(t, null, {
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: user.email, password: user.password },
  });
  expect(res.statusCode).toBe(200);
}

const KIB = 1024;

describe('SEC-IN-01: body limits, deep and malformed JSON', () => {
  it('SEC-IN-01: auth routes take at most 64 KiB (→ 413 payload_too_large); other routes 1 MiB', async () => {
    const { t, admin, member, adminCookie, memberCookie } = await world();
    const padded = (size: number, fields: Record<string, string>) => {
      const base = JSON.stringify({ ...fields, password: '' });
      return JSON.stringify({ ...fields, password: 'p'.repeat(size - base.length) });
    };
    // 70 KiB on every auth route, signed in where the route needs it (the guard runs before the body is read).
    for (const [url, cookie] of [
      ['/api/v1/auth/sign-in', null],
      ['/api/v1/setup', null],
      ['/api/v1/auth/forgot-password', null],
      ['/api/v1/auth/reset-password', null],
      ['/api/v1/me/password', memberCookie],
      ['/api/v1/auth/sign-out', memberCookie],
    ] as const) {
      const body = padded(70 * KIB, { email: member.email });
      expect(body.length).toBe(70 * KIB);
      const res = await call(t, cookie, { method: 'POST', url, ...json(body) });
      expect(`${url} → ${outcome(res)}`).toBe(`${url} → 413 payload_too_large`);
    }
    // Just under the limit is read (and then refused by the schema, not by the size).
    const under = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      ...json(padded(63 * KIB, { email: member.email })),
    });
    expect(outcome(under)).toBe('400 validation_failed');

    // 2 MiB anywhere else → 413; 900 KiB on a non-auth route is within its limit.
    const big = JSON.stringify({
      email: 'big@example.test',
      name: 'n'.repeat(2 * KIB * KIB),
      role: 'member',
      generatePassword: true,
    });
    expect(outcome(await call(t, adminCookie, { method: 'POST', url: '/api/v1/users', ...json(big) }))).toBe(
      '413 payload_too_large',
    );
    expect(
      outcome(
        await call(t, adminCookie, { method: 'PATCH', url: `/api/v1/users/${member.id}`, ...json(big) }),
      ),
    ).toBe('413 payload_too_large');
    const large = JSON.stringify({ name: 'n'.repeat(900 * KIB) });
    expect(
      outcome(
        await call(t, adminCookie, { method: 'PATCH', url: `/api/v1/users/${member.id}`, ...json(large) }),
      ),
    ).toBe('400 validation_failed');
    // Content-Length is not trusted: a body bigger than it claims is still measured.
    const lying = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json', 'content-length': '10' },
      payload: padded(70 * KIB, { email: member.email }),
    });
    expect(lying.statusCode).toBeGreaterThanOrEqual(400);
    expect(lying.statusCode).toBeLessThan(500);

    await stillHealthy(t, member);
    await stillHealthy(t, admin);
  });

  it('SEC-IN-01: deeply nested JSON → 400; malformed JSON → 400 malformed_json; the server stays healthy', async () => {
    const { t, member, adminCookie } = await world();
    const deepArrays = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObjects = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    const deepPoisoned = '{"a":'.repeat(50_000) + '{"__proto__":{"role":"admin"}}' + '}'.repeat(50_000);
    for (const body of ['['.repeat(100_000), deepArrays, deepObjects, deepPoisoned]) {
      const res = await call(t, adminCookie, {
        method: 'PATCH',
        url: `/api/v1/users/${member.id}`,
        ...json(body),
      });
      expect(res.statusCode).toBe(400);
      expect(['malformed_json', 'validation_failed']).toContain(errorCode(res));
    }
    // On an auth route, under its 64 KiB limit.
    const deepSignIn = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      ...json('['.repeat(30_000) + ']'.repeat(30_000)),
    });
    expect(deepSignIn.statusCode).toBe(400);

    for (const body of [
      '{"email":',
      '{email: "a@example.test"}',
      "{'email': 'a@example.test'}",
      '{"email":"a@example.test","password":"x",}',
      'NaN',
      '{"email":"a@example.test"}{"password":"x"}',
      '\u0000',
      '',
    ]) {
      const res = await call(t, null, { method: 'POST', url: '/api/v1/auth/sign-in', ...json(body) });
      expect(`${JSON.stringify(body)} → ${outcome(res)}`).toBe(
        `${JSON.stringify(body)} → 400 malformed_json`,
      );
    }
    // Valid JSON of the wrong shape is a validation error, not a parse error.
    for (const body of ['null', '[]', '"a string"', '42', 'true']) {
      const res = await call(t, null, { method: 'POST', url: '/api/v1/auth/sign-in', ...json(body) });
      expect(`${body} → ${res.statusCode}`).toBe(`${body} → 400`);
    }
    await stillHealthy(t, member);
  });
});

describe('SEC-IN-02: strict schemas', () => {
  it('SEC-IN-02: every JSON request body in the OpenAPI document is a closed object (no unknown fields)', async () => {
    const { t } = await world();
    type Schema = {
      type?: string;
      additionalProperties?: unknown;
      anyOf?: Schema[];
      oneOf?: Schema[];
      allOf?: Schema[];
    };
    const doc = t.app.swagger() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
      >;
    };
    const open: string[] = [];
    let bodies = 0;
    const check = (where: string, s: Schema | undefined) => {
      if (!s) return open.push(`${where}: no schema`);
      const branches = s.anyOf ?? s.oneOf ?? s.allOf;
      if (branches) return branches.forEach((b, i) => check(`${where}[${i}]`, b));
      if (s.type !== 'object' || s.additionalProperties !== false)
        open.push(`${where}: ${JSON.stringify(s).slice(0, 120)}`);
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.requestBody) continue;
        bodies += 1;
        const types = Object.keys(op.requestBody.content ?? {});
        expect(types, `${method} ${path}`).toEqual(['application/json']);
        check(`${method.toUpperCase()} ${path}`, op.requestBody.content?.['application/json']?.schema);
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(7);
    expect(open).toEqual([]);
  });

  it('SEC-IN-02: unknown fields and query parameters are rejected; nothing is created', async () => {
    const { t, member, adminCookie, memberCookie } = await world();
    const count = async () =>
      Number(
        (
          await t.db.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const users = await count();
    const valid = {
      email: 'new-person@example.test',
      name: 'New Person',
      role: 'member',
      generatePassword: true,
    };
    const attempts: Array<[string | null, InjectOptions]> = [
      [adminCookie, { method: 'POST', url: '/api/v1/users', payload: { ...valid, isAdmin: true } }],
      [adminCookie, { method: 'POST', url: '/api/v1/users', payload: { ...valid, status: 'active' } }],
      [
        adminCookie,
        { method: 'POST', url: '/api/v1/users', payload: { ...valid, passwordTemporary: false } },
      ],
      [
        null,
        {
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: member.email, password: member.password, remember: true },
        },
      ],
      [
        null,
        {
          method: 'POST',
          url: '/api/v1/auth/forgot-password',
          payload: { email: member.email, redirect: 'https://evil.example' },
        },
      ],
      [
        memberCookie,
        {
          method: 'POST',
          url: '/api/v1/me/password',
          payload: { currentPassword: member.password, newPassword: 'x'.repeat(20), userId: 'x' },
        },
      ],
      [
        adminCookie,
        {
          method: 'POST',
          url: `/api/v1/users/${member.id}/password`,
          payload: { generate: true, temporary: false },
        },
      ],
      [adminCookie, { method: 'GET', url: '/api/v1/users?admin=1' }],
      [adminCookie, { method: 'GET', url: '/api/v1/users?q=a&offset=10' }],
      [adminCookie, { method: 'GET', url: '/api/v1/audit-events?delete=1' }],
    ];
    for (const [cookie, options] of attempts) {
      const res = await call(t, cookie, options);
      expect(`${options.method} ${options.url} → ${outcome(res)}`).toBe(
        `${options.method} ${options.url} → 400 validation_failed`,
      );
    }
    expect(await count()).toBe(users);
    // The signed-in member is untouched by the refused change.
    await signIn(t, member.email, member.password);
  });

  it('SEC-IN-02: email ≤ 254 and name ≤ 200 characters; types enforced (400 validation_failed)', async () => {
    const { t, member, adminCookie } = await world();
    const create = (body: Record<string, unknown>) =>
      call(t, adminCookie, { method: 'POST', url: '/api/v1/users', payload: body });
    const base = { name: 'Limits Person', role: 'viewer', generatePassword: true };
    const emailOf = (length: number) => `${'a'.repeat(length - '@example.test'.length)}@example.test`;
    expect(emailOf(254)).toHaveLength(254);

    expect(outcome(await create({ ...base, email: emailOf(255) }))).toBe('400 validation_failed');
    expect((await create({ ...base, email: emailOf(254) })).statusCode).toBe(201);
    expect(outcome(await create({ ...base, email: 'name-201@example.test', name: 'n'.repeat(201) }))).toBe(
      '400 validation_failed',
    );
    expect(
      (await create({ ...base, email: 'name-200@example.test', name: 'n'.repeat(200) })).statusCode,
    ).toBe(201);
    expect(
      outcome(
        await call(t, adminCookie, {
          method: 'PATCH',
          url: `/api/v1/users/${member.id}`,
          payload: { name: 'n'.repeat(201) },
        }),
      ),
    ).toBe('400 validation_failed');
    expect(
      outcome(
        await call(t, null, {
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: emailOf(255), password: 'x' },
        }),
      ),
    ).toBe('400 validation_failed');

    const wrongTypes: Array<Record<string, unknown>> = [
      { ...base, email: 'types@example.test', role: 'root' },
      { ...base, email: 'types@example.test', role: ['admin'] },
      { ...base, email: 'types@example.test', name: 123 },
      { ...base, email: 'types@example.test', name: { first: 'a' } },
      { ...base, email: ['types@example.test'] },
      { ...base, email: 'not-an-email' },
      { ...base, email: 'types@example.test', generatePassword: 'true' },
      { ...base, email: 'types@example.test', generatePassword: false },
      { email: 'types@example.test', name: 'Types', role: 'member', password: 123456789012345 },
      { ...base, email: 'types@example.test', name: '   ' },
      { ...base, email: null },
    ];
    for (const body of wrongTypes) {
      const res = await create(body);
      expect(`${JSON.stringify(body)} → ${outcome(res)}`).toBe(
        `${JSON.stringify(body)} → 400 validation_failed`,
      );
    }
    for (const url of [
      '/api/v1/users?limit=abc',
      '/api/v1/users?limit=0',
      '/api/v1/users?limit=101',
      '/api/v1/users?limit=1.5',
      '/api/v1/users?sort=passwordHash',
      '/api/v1/users?role=superuser',
      '/api/v1/users?order=sideways',
      '/api/v1/audit-events?since=yesterday',
      '/api/v1/audit-events?cursor=-1',
      '/api/v1/audit-events?cursor=99999999999999999999',
    ]) {
      const res = await call(t, adminCookie, { method: 'GET', url });
      expect(`${url} → ${outcome(res)}`).toBe(`${url} → 400 validation_failed`);
    }
  });

  it('SEC-IN-02 / SEC-IN-05: control characters in every path and query parameter → 400, never a 500 (from the OpenAPI document)', async () => {
    const { t, member, adminCookie } = await world();
    type Param = { in: string; name: string };
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { parameters?: Param[] }>> };
    const failures: string[] = [];
    let probes = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const params = op.parameters ?? [];
        const withBody = ['post', 'patch', 'put'].includes(method);
        for (const param of params) {
          for (const bad of ['%00', 'a%00b', '%0D%0A', '%1B', '%C2%85', `${'x'.repeat(2000)}`]) {
            let url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
              param.in === 'path' && name === param.name ? bad : member.id,
            );
            if (param.in === 'query') url += `?${param.name}=${bad}`;
            const res = await call(t, adminCookie, {
              method: method.toUpperCase() as InjectOptions['method'],
              url,
              ...(withBody ? { payload: {} } : {}),
            });
            probes += 1;
            // Control characters are a validation error; an over-long value may also simply match no route.
            const ok =
              res.statusCode === 400 ||
              (bad.length > 64 && res.statusCode === 404 && errorCode(res) === 'not_found');
            if (!ok)
              failures.push(
                `${method.toUpperCase()} ${url.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 100)}`,
              );
          }
        }
      }
    }
    expect(probes).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });

  it('SEC-IN-02 / SEC-IN-05: a forged list cursor → 400 invalid_cursor, whatever it holds', async () => {
    const { t, adminCookie } = await world();
    const forge = (data: unknown) => Buffer.from(JSON.stringify(data)).toString('base64url');
    const forged = [
      ['createdAt', forge({ s: 'createdAt', o: 'asc', v: 'not a number', i: 'x' })],
      ['createdAt', forge({ s: 'createdAt', o: 'asc', v: 1.5, i: 'x' })],
      ['createdAt', forge({ s: 'createdAt', o: 'asc', v: 1e300, i: 'x' })],
      ['lastSignInAt', forge({ s: 'lastSignInAt', o: 'asc', v: { $gt: 0 }, i: 'x' })],
      ['name', forge({ s: 'name', o: 'asc', v: 12, i: 'x' })],
      ['name', forge({ s: 'name', o: 'asc', v: 'a\u0000b', i: 'x' })],
      ['email', forge({ s: 'email', o: 'asc', v: 'a@example.test', i: 'x\u0000' })],
      ['email', forge({ s: 'email', o: 'asc', v: 'a@example.test', i: ['x'] })],
      ['email', forge({ s: 'name', o: 'asc', v: 'a', i: 'x' })],
      ['email', forge(null)],
      ['email', 'not base64 at all!'],
    ] as const;
    for (const [sort, cursor] of forged) {
      const res = await call(t, adminCookie, {
        method: 'GET',
        url: `/api/v1/users?sort=${sort}&cursor=${encodeURIComponent(cursor)}`,
      });
      expect(`${sort} ${Buffer.from(cursor, 'base64url').toString()} → ${outcome(res)}`).toMatch(
        /→ 400 (invalid_cursor|validation_failed)$/,
      );
    }
  });
});

describe('SEC-IN-03: email normalization, duplicates, control characters', () => {
  it('SEC-IN-03: bidi overrides and zero-width characters in a name or the organization name → 400; nothing changes', async () => {
    const { t, member, adminCookie, memberCookie } = await world();
    const before = await t.db.db.selectFrom('users').selectAll().orderBy('id').execute();
    const settingsBefore = await call(t, adminCookie, { method: 'GET', url: '/api/v1/settings' });
    const disguised = [
      'Eve \u202Enimda', // RIGHT-TO-LEFT OVERRIDE: shows as "Eve admin"
      '\u202AEve', // LEFT-TO-RIGHT EMBEDDING
      'Eve\u202B', // RIGHT-TO-LEFT EMBEDDING
      'E\u202Cve', // POP DIRECTIONAL FORMATTING
      'Eve\u202D', // LEFT-TO-RIGHT OVERRIDE
      '\u2066Eve\u2069', // LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE
      'Eve\u2067x', // RIGHT-TO-LEFT ISOLATE
      'Eve\u2068x', // FIRST STRONG ISOLATE
      'ad\u200Bmin', // ZERO WIDTH SPACE
      'ad\u200Cmin', // ZERO WIDTH NON-JOINER between Latin letters
      'ad\u200Dmin', // ZERO WIDTH JOINER between Latin letters
      '\u200DEve', // a joiner at the edge
      'ad\u2060min', // WORD JOINER
      '\uFEFFEve', // ZERO WIDTH NO-BREAK SPACE (BOM)
      'Eve\u200F', // RIGHT-TO-LEFT MARK
    ];
    const failures: string[] = [];
    const expect400 = async (label: string, cookie: string | null, options: InjectOptions, field: string) => {
      const res = await call(t, cookie, options);
      const details = (res.json() as { error?: { details?: Array<{ path: string }> } }).error?.details ?? [];
      if (outcome(res) !== '400 validation_failed' || !details.some((d) => d.path === `body.${field}`))
        failures.push(`${label} → ${res.statusCode} ${res.body}`);
    };
    for (const name of disguised) {
      const label = JSON.stringify(name);
      await expect400(
        `create ${label}`,
        adminCookie,
        {
          method: 'POST',
          url: '/api/v1/users',
          payload: { email: 'eve@example.test', name, role: 'member', generatePassword: true },
        },
        'name',
      );
      await expect400(
        `rename ${label}`,
        adminCookie,
        {
          method: 'PATCH',
          url: `/api/v1/users/${member.id}`,
          payload: { name },
        },
        'name',
      );
      await expect400(
        `organization ${label}`,
        adminCookie,
        {
          method: 'PATCH',
          url: '/api/v1/settings',
          payload: { organizationName: name },
        },
        'organizationName',
      );
      await expect400(
        `invitation ${label}`,
        adminCookie,
        {
          method: 'POST',
          url: '/api/v1/invitations',
          payload: { email: 'eve@example.test', role: 'member', name },
        },
        'name',
      );
      await expect400(
        `accept ${label}`,
        null,
        {
          method: 'POST',
          url: '/api/v1/invitations/accept',
          payload: { token: 'x', name, password: 'correct horse battery staple 42' },
        },
        'name',
      );
      await expect400(
        `setup ${label}`,
        null,
        {
          method: 'POST',
          url: '/api/v1/setup',
          payload: {
            token: 'x',
            email: 'eve@example.test',
            name,
            password: 'correct horse battery staple 42',
          },
        },
        'name',
      );
      await expect400(
        `token ${label}`,
        memberCookie,
        {
          method: 'POST',
          url: '/api/v1/me/tokens',
          payload: { name },
        },
        'name',
      );
      // The organization name from the environment: a clear start-up error naming the variable.
      expect(() => loadConfig({ PUBLIC_URL: 'http://localhost:8080', ORGANIZATION_NAME: name })).toThrow(
        /ORGANIZATION_NAME=.*bidirectional overrides or zero-width characters/,
      );
    }
    expect(failures).toEqual([]);
    expect(await t.db.db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(before);
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toEqual([]);
    expect(await t.db.db.selectFrom('apiTokens').selectAll().execute()).toEqual([]);
    expect((await call(t, adminCookie, { method: 'GET', url: '/api/v1/settings' })).body).toBe(
      settingsBefore.body,
    );

    // Joiners where writing needs them stay allowed: inside a Persian word, inside an emoji sequence.
    for (const name of ['نیلوفر می\u200Cخواهد', 'Ana 👩\u200D💻', 'Zoë O’Brien-Łukasz']) {
      const res = await call(t, adminCookie, {
        method: 'PATCH',
        url: `/api/v1/users/${member.id}`,
        payload: { name },
      });
      expect(`${JSON.stringify(name)} → ${outcome(res)}`).toBe(`${JSON.stringify(name)} → 200`);
    }
  });

  it('SEC-IN-03: emails are trimmed and lower-cased; a duplicate by case → 409 email_taken', async () => {
    const { t, adminCookie } = await world();
    const create = (email: string, name = 'Bob Builder') =>
      call(t, adminCookie, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email, name, role: 'member', generatePassword: true },
      });

    const first = await create('  Carol.Smith@Example.TEST  ', '  Carol Smith  ');
    expect(first.statusCode).toBe(201);
    const created = first.json() as { user: { email: string; name: string }; generatedPassword: string };
    expect(created.user.email).toBe('carol.smith@example.test');
    expect(created.user.name).toBe('Carol Smith');
    const row = await t.db.db
      .selectFrom('users')
      .select(['email', 'name'])
      .where('email', '=', 'carol.smith@example.test')
      .executeTakeFirst();
    expect(row).toEqual({ email: 'carol.smith@example.test', name: 'Carol Smith' });
    // Sign-in normalizes the same way.
    const signInRes = await call(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: ' CAROL.SMITH@example.test', password: created.generatedPassword },
    });
    expect(signInRes.statusCode).toBe(200);

    expect((await create('bob@example.test')).statusCode).toBe(201);
    for (const dup of ['Bob@Example.test', 'BOB@EXAMPLE.TEST', ' bob@example.test ']) {
      const res = await create(dup);
      expect(`${dup} → ${outcome(res)}`).toBe(`${dup} → 409 email_taken`);
    }
    const bobs = await t.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'bob@example.test')
      .execute();
    expect(bobs).toHaveLength(1);
  });

  it('SEC-IN-03: NUL, CR, LF and other control characters in an email or a name → 400 (no header injection)', async () => {
    const { t, member, adminCookie } = await world();
    const before = await t.db.db.selectFrom('users').selectAll().orderBy('id').execute();
    const badEmails = [
      'eve\u0000@example.test',
      'eve@example.test\r\nBcc: victim@example.test',
      'eve@example.test\nBcc: victim@example.test',
      'eve\r@example.test',
      'eve\u0007@example.test',
      'eve\u001b[31m@example.test',
      'eve\u007f@example.test',
      'eve\u0085@example.test',
      'eve@example.test\t',
    ];
    const badNames = [
      'Eve\u0000',
      'Eve\r\nBcc: victim@example.test',
      'Eve\nEvil',
      'Eve\tTab',
      '\u001b[31mEve',
      'Eve\u007f',
      'Eve\u0085',
    ];
    const failures: string[] = [];
    const expect400 = async (label: string, cookie: string | null, options: InjectOptions) => {
      const res = await call(t, cookie, options);
      if (res.statusCode !== 400) failures.push(`${label} → ${res.statusCode} ${res.body}`);
    };
    for (const email of badEmails) {
      const label = JSON.stringify(email);
      await expect400(`create ${label}`, adminCookie, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email, name: 'Eve', role: 'member', generatePassword: true },
      });
      await expect400(`sign-in ${label}`, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: 'x' },
      });
      await expect400(`forgot ${label}`, null, {
        method: 'POST',
        url: '/api/v1/auth/forgot-password',
        payload: { email },
      });
      await expect400(`setup ${label}`, null, {
        method: 'POST',
        url: '/api/v1/setup',
        payload: { token: 'x', email, name: 'Eve', password: 'correct horse battery staple 42' },
      });
    }
    for (const name of badNames) {
      const label = JSON.stringify(name);
      await expect400(`create ${label}`, adminCookie, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'eve@example.test', name, role: 'member', generatePassword: true },
      });
      await expect400(`rename ${label}`, adminCookie, {
        method: 'PATCH',
        url: `/api/v1/users/${member.id}`,
        payload: { name },
      });
    }
    expect(failures).toEqual([]);
    expect(await t.db.db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(before);
  });
});

describe('SEC-IN-04: U+0000 in a password', () => {
  it('SEC-IN-04: a password containing U+0000 is rejected (400) on every path that sets one; sign-in with one never succeeds', async () => {
    const nul = 'correct horse\u0000battery staple 42';
    const { t, member, adminCookie, memberCookie } = await world();
    const create = await call(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'nul@example.test', name: 'Nul Person', role: 'member', password: nul },
    });
    expect(outcome(create)).toBe('400 password_invalid_characters');
    const reset = await call(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${member.id}/password`,
      payload: { password: nul },
    });
    expect(outcome(reset)).toBe('400 password_invalid_characters');
    const change = await call(t, memberCookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: member.password, newPassword: nul },
    });
    expect(outcome(change)).toBe('400 password_invalid_characters');
    for (const password of ['\u0000', `${member.password}\u0000`, `\u0000${member.password}`]) {
      const res = await call(t, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: member.email, password },
      });
      // No stored password can contain U+0000, so this is simply a wrong password (SEC-ENUM-01's one answer).
      expect(outcome(res)).toBe('401 invalid_credentials');
    }
    // Nothing was changed: the member's own password still works.
    await signIn(t, member.email, member.password);

    // First-run setup applies the same policy.
    const fresh = await buildTestApp();
    const setup = await call(fresh, null, {
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token: 'any-token', email: 'first@example.test', name: 'First Admin', password: nul },
    });
    expect(outcome(setup)).toBe('400 password_invalid_characters');
  });
});

describe('SEC-IN-05: errors carry no internals', () => {
  it('SEC-IN-05: unknown routes and methods answer 404 with the error shape', async () => {
    const { t, adminCookie } = await world();
    for (const [cookie, method, url] of [
      [null, 'GET', '/api/v1/nope'],
      [adminCookie, 'GET', '/api/v1/nope'],
      [null, 'POST', '/api/v1/nope'],
      [null, 'GET', '/nope'],
      [adminCookie, 'PUT', '/api/v1/me'],
      [adminCookie, 'DELETE', '/api/v1/users'],
      [null, 'GET', '/api/v1/users/%E0%A4%A'],
      [null, 'GET', '/api/v1/../../etc/passwd'],
    ] as const) {
      const res = await call(t, cookie, { method, url });
      expect(`${method} ${url} → ${res.statusCode}`).toMatch(/→ (400|404)$/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json() as { error: { code: string; message: string } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  });

  it('SEC-IN-05: no error body in this file carries a stack trace, a source path or SQL; no X-Powered-By', async () => {
    const { t, member, adminCookie } = await world();
    // A few more error kinds: conflict, unauthenticated, forbidden, unsupported media type.
    await call(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: member.email, name: 'Dup', role: 'member', generatePassword: true },
    });
    await call(t, null, { method: 'GET', url: '/api/v1/users' });
    await call(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    await call(t, adminCookie, { method: 'GET', url: "/api/v1/users?q=' OR 1=1 --" });
    await call(t, adminCookie, { method: 'GET', url: `/api/v1/users/${encodeURIComponent("x' OR '1'='1")}` });

    const errors = seen.filter((res) => res.statusCode >= 400);
    expect(errors.length).toBeGreaterThan(100);
    const STACK = /\bat\s+[\w.<>]+\s*\(|\bat\s+\/|\.(ts|js|mjs):\d+|node_modules|stack/i;
    const SQL =
      /\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+\S+\s+set\b|\bdelete\s+from\b|sqlite|sqlstate|postgres|duplicate key|violates|syntax error at|relation "|column "/i;
    for (const res of errors) {
      const where = `${res.raw.req.method} ${res.raw.req.url?.slice(0, 80)} → ${res.statusCode}`;
      expect(res.statusCode, where).toBeLessThan(500);
      const body = res.json() as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, where).toBe('string');
      expect(typeof body.error?.message, where).toBe('string');
      expect(res.body, where).not.toMatch(STACK);
      expect(res.body, where).not.toMatch(SQL);
    }
    for (const res of seen) expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
