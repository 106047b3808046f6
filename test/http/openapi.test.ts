import { validate } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signedIn, type TestApp } from '../harness.js';

/**
 * Issue 2 acceptance: "The OpenAPI document passes a validator and lists every route with its error
 * responses." The document is generated from the zod schemas that validate each route; this test
 * holds it against the app's own route table.
 */

interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes?: Record<string, Record<string, string>>;
  };
}

const ERROR_REF = '#/components/schemas/Error';
const PROBES = ['/healthz', '/readyz', '/metrics'];
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Fastify's `/users/:id` is OpenAPI's `/users/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

describe('OpenAPI document at /api/openapi.json', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let apiRoutes: Array<{ method: string; url: string; access: string }>;

  beforeAll(async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json<OpenApiDocument>();
    apiRoutes = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/'));
  });

  function operations(): Array<{ path: string; method: string; op: Operation }> {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, op]) => ({ path, method, op })),
    );
  }

  it('is public and passes the OpenAPI 3.1 validator', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it('lists every /api/v1 route of the route table with its method, and nothing else', () => {
    expect(apiRoutes.length).toBeGreaterThan(20);
    const missing = apiRoutes
      .filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);

    // Besides the API, the operators' probes are described (issue 14).
    const known = new Set([
      ...apiRoutes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`),
      ...PROBES.map((p) => `get ${p}`),
    ]);
    const phantom = operations()
      .map(({ path, method }) => `${method} ${path}`)
      .filter((key) => !known.has(key));
    expect(phantom).toEqual([]);
  });

  it('declares each path parameter, and gives every operation a summary and a success response', () => {
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(
        Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
        where,
      ).toBe(true);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(declared.map((p) => p.name).sort(), where).toEqual(inPath.sort());
      for (const p of declared) expect(p.required, `${where} {${p.name}}`).toBe(true);
    }
  });

  it('every operation declares its 4xx errors and a 500, each with the one Error shape', () => {
    const error = doc.components.schemas.Error;
    expect(error, 'components.schemas.Error').toBeDefined();
    expect(error?.required).toEqual(['error']);
    const inner = error?.properties?.error as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(inner.properties)).toEqual(expect.arrayContaining(['code', 'message']));
    expect(inner.required).toEqual(expect.arrayContaining(['code', 'message']));

    for (const { path, method, op } of operations().filter((o) => o.path.startsWith('/api/'))) {
      const where = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => /^4\d\d$/.test(s)),
        `${where} declares a 4xx`,
      ).toBe(true);
      expect(statuses, `${where} declares a 500`).toContain('500');
      for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
        const response = op.responses[status];
        expect(response?.description, `${where} ${status} description`).toBeTruthy();
        expect(response?.content?.['application/json']?.schema?.$ref, `${where} ${status}`).toBe(ERROR_REF);
      }
    }
  });

  it('public routes need no credentials; every other route takes the session cookie or an API token', () => {
    const either = [{ session: [] }, { token: [] }];
    expect(doc.security).toEqual(either);
    for (const route of apiRoutes) {
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()] as Operation;
      const security = op.security ?? doc.security;
      if (route.access === 'public') expect(security, `${route.method} ${route.url}`).toEqual([]);
      else expect(security, `${route.method} ${route.url}`).toEqual(either);
    }
  });

  it('the security schemes name the cookie sign-in really sets, and the Bearer token', async () => {
    const user = await seedUser(t, { email: 'openapi.cookie@example.test', name: 'Cookie Name' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = [res.headers['set-cookie']].flat().join('\n');
    const cookieName = /^([^=]+)=/.exec(setCookie)?.[1];
    expect(cookieName).toBeDefined();
    expect(doc.components.securitySchemes?.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: cookieName,
    });
    expect(doc.components.securitySchemes?.token).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('the errors the routes really answer are the ones they document (anonymous, member, admin, malformed)', async () => {
    const member = await signedIn(t, 'member');
    const admin = await signedIn(t, 'admin');
    const undocumented: string[] = [];
    for (const route of apiRoutes) {
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()] as Operation;
      const url = route.url.replace(/:([A-Za-z0-9_]+)/g, '00000000-0000-0000-0000-000000000000');
      const hasBody = ['POST', 'PATCH', 'PUT'].includes(route.method);
      // An unknown field goes in the body where there is one, else in the query string.
      const unknownField = hasBody ? { url, payload: { unexpected: true } } : { url: `${url}?unexpected=1` };
      const plain = hasBody ? { url, payload: {} } : { url };
      // Signing out ends the member's session: probe it with a member of its own, so the member's
      // cookie stays good for every later route (a refused cookie offered again and again is paced).
      const memberCookie =
        route.url === '/api/v1/auth/sign-out' ? (await signedIn(t, 'member')).cookie : member.cookie;
      const probes: Array<[string, string | null, { url: string; payload?: object }]> = [
        ['anonymous', null, plain],
        ['member', memberCookie, plain],
        ['member, unknown field', memberCookie, unknownField],
      ];
      // Admin probes only on admin routes: they touch nobody (the ids are unknown), and never sign the admin out.
      if (route.access === 'admin') {
        probes.push(['admin', admin.cookie, plain], ['admin, unknown field', admin.cookie, unknownField]);
      }
      for (const [who, cookie, options] of probes) {
        const res = await request(t, cookie, { method: route.method as 'GET', ...options });
        if (res.statusCode >= 400 && !(String(res.statusCode) in op.responses)) {
          undocumented.push(`${route.method} ${route.url} (${who}) → ${res.statusCode} ${res.body}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('GET /api/docs answers the reference page as HTML', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops += 1) {
      res = await t.app.inject({
        method: 'GET',
        url: new URL(String(res.headers.location), 'http://localhost/api/docs/').pathname,
      });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});
