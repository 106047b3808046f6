import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../harness.js';

/**
 * Issue 14 (minor): "every OpenAPI operation has an operationId and tags; emails have
 * format: email; /healthz, /readyz, /metrics described." The typed client (web/src/lib/api-schema.d.ts,
 * docs/API.md) names its calls by these operationIds, so they must be unique and stable.
 */
type Schema = { [key: string]: unknown };
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

describe('OpenAPI conventions', () => {
  let t: TestApp;
  let doc: Doc;
  let operations: Array<{ where: string; op: Operation }>;

  beforeAll(async () => {
    t = await buildTestApp();
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Doc>();
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.has(method))
        .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );
  });

  it('every operation has a camelCase operationId, and no two share one', () => {
    expect(operations.length).toBeGreaterThan(50);
    const missing = operations.filter((o) => !o.op.operationId).map((o) => o.where);
    expect(missing).toEqual([]);
    const notCamel = operations
      .filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.op.operationId ?? ''))
      .map((o) => `${o.where}: ${o.op.operationId}`);
    expect(notCamel).toEqual([]);
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const { where, op } of operations) {
      const id = op.operationId ?? '';
      if (seen.has(id)) duplicates.push(`${id}: ${seen.get(id)} and ${where}`);
      seen.set(id, where);
    }
    expect(duplicates).toEqual([]);
  });

  it('operationIds are derived from method and path, so they stay put (examples the docs cite)', () => {
    const id = (path: string, method: string) => doc.paths[path]?.[method]?.operationId;
    expect(id('/api/v1/users', 'get')).toBe('getUsers');
    expect(id('/api/v1/users', 'post')).toBe('postUsers');
    expect(id('/api/v1/users/{id}', 'patch')).toBe('patchUsersById');
    expect(id('/api/v1/auth/sign-in', 'post')).toBe('postAuthSignIn');
    expect(id('/healthz', 'get')).toBe('getHealth');
  });

  it('every operation has at least one tag', () => {
    const untagged = operations.filter((o) => (o.op.tags ?? []).length === 0).map((o) => o.where);
    expect(untagged).toEqual([]);
  });

  it('every property that holds an email address is format: email, in requests and answers', () => {
    const found: string[] = [];
    const wrong: string[] = [];
    const walk = (node: unknown, where: string, key?: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, where, key));
      if (!node || typeof node !== 'object') return;
      const schema = node as Schema;
      if (key && /^(email|[a-z]+Email)$/.test(key) && schema.type === 'string') {
        found.push(`${where}.${key}`);
        if (schema.format !== 'email') wrong.push(`${where}.${key}`);
      }
      for (const [name, value] of Object.entries(schema)) {
        if (name === 'properties') {
          for (const [p, child] of Object.entries(value as Schema)) walk(child, where, p);
        } else if (['anyOf', 'oneOf', 'allOf'].includes(name)) walk(value, where, key);
        else walk(value, where);
      }
    };
    walk(doc.paths, 'paths');
    walk(doc.components.schemas, 'components');
    // Sign-in, invitations, users, forgot password, change email at least.
    expect(found.length).toBeGreaterThan(8);
    expect(wrong).toEqual([]);
  });

  it('/healthz, /readyz and /metrics are described, and still answer as before', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const op = doc.paths[path]?.get;
      expect(op?.summary, path).toBeTruthy();
      expect(op?.tags, path).toEqual(['operations']);
      expect(Object.keys(op?.responses ?? {}), path).toContain('200');
    }
    expect(doc.paths['/readyz']?.get?.responses).toHaveProperty('503');
    expect(doc.paths['/metrics']?.get?.security).toEqual([{ metricsToken: [] }]);
    expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' });

    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', database: 'ok', migrationsPending: 0 });
    expect(ready.json<{ mail: { transport: string } }>().mail.transport).toBe('log');
  });

  it('/metrics still answers the Prometheus text, not a JSON string', async () => {
    const m = await buildTestApp({ env: { METRICS_TOKEN: 'm'.repeat(32) } });
    {
      const res = await m.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${'m'.repeat(32)}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/^# HELP /m);
      expect(res.body.startsWith('"')).toBe(false);
    }
  });
});
