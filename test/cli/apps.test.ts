import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../secrets.js';
import { runGatehouse } from './run.js';

/** `gatehouse apps create|list|delete` and `gatehouse keys rotate` against a real SQLite file (issue 12). */
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-apps-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  DATABASE_URL: join(dir, 'gatehouse.sqlite'),
  SECRET_KEY: TEST_SECRET_KEY,
  PUBLIC_URL: 'https://id.example.test',
};
const gatehouse = (args: string[]) => runGatehouse(args, { cwd: dir, env });

describe('gatehouse apps', () => {
  it('creates an app (secret shown once), lists it, deletes it; keys rotate makes new signing keys', async () => {
    const created = await gatehouse([
      'apps',
      'create',
      '--name',
      'Grafana',
      '--redirect-uri',
      'https://grafana.example.test/login/generic_oauth',
      '--roles',
      'admin,member',
      '--first-party',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('issuer:        https://id.example.test');
    const clientId = /client id: +(\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(/client secret: ghcs_[A-Za-z0-9_-]{43}/.test(created.stdout)).toBe(true);

    const listed = await gatehouse(['apps', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const items = (JSON.parse(listed.stdout) as { items: Array<Record<string, unknown>> }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      clientId,
      name: 'Grafana',
      allowedRoles: ['admin', 'member'],
      hasSecret: true,
    });
    expect(listed.stdout).not.toContain('ghcs_');

    const bad = await gatehouse([
      'apps',
      'create',
      '--name',
      'X',
      '--redirect-uri',
      'https://*.example.test/cb',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('redirect URI');

    const rotated = await gatehouse(['keys', 'rotate']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^New signing keys: \S+, \S+\./);

    const deleted = await gatehouse(['apps', 'delete', clientId]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const empty = await gatehouse(['apps', 'list', '--json']);
    expect((JSON.parse(empty.stdout) as { items: unknown[] }).items).toHaveLength(0);
  });
});
