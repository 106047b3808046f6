import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, openDatabase, seedUser, signIn, startGatehouse, waitForReadyz } from '../scale/process.js';

/*
 * Issue 18, item 9, on a real full disk: the SQLite database on a 6 MB tmpfs, filled up by another
 * file. Mounting needs root (CI runs as root); elsewhere test/db/storage-full.test.ts covers the same
 * behaviour through SQLite's own size limit. Run once, in the SQLite pass (the server's database is
 * the file on the tmpfs in either pass).
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'gatehouse-full-disk-'));
const mounted =
  process.env.GATEHOUSE_TEST_DB !== 'postgres' &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros to a file on the tmpfs until the disk is full; returns the file. */
function fillDisk(): string {
  const filler = join(mountPoint, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe('a full disk, for real', () => {
  it.runIf(mounted)(
    'the database on a full 6 MB tmpfs: writes answer 507 storage_full, reads go on, /readyz 503 until space is freed, logged once; nothing acknowledged is lost (SQLite pass, as root)',
    async () => {
      const databaseUrl = join(mountPoint, 'gatehouse.sqlite');
      const seed = openDatabase(databaseUrl);
      await seed.migrate();
      const admin = await seedUser(seed, { email: 'ana@example.com', role: 'admin' });
      await seed.close();
      const server = await startGatehouse({ databaseUrl, env: { LOG_LEVEL: 'info' } });
      try {
        const cookie = await signIn(server.url, admin.email, admin.password);
        const create = (i: number) =>
          call(server.url, 'POST', '/api/v1/users', {
            cookie,
            body: { email: `u${i}@example.com`, name: `User ${i}`, role: 'member', generatePassword: true },
          });
        const acknowledged: string[] = [];
        for (let i = 0; i < 5; i++) {
          const res = await create(i);
          expect(res.status, res.text).toBe(201);
          acknowledged.push(`u${i}@example.com`);
        }

        const filler = fillDisk();
        let refused = 0;
        for (let i = 5; i < 400 && refused < 3; i++) {
          const res = await create(i);
          if (res.status === 201) {
            expect(refused, 'no write succeeds once the disk is full').toBe(0);
            acknowledged.push(`u${i}@example.com`);
            continue;
          }
          expect(res.status, res.text).toBe(507);
          expect(res.body.error.code).toBe('storage_full');
          refused += 1;
        }
        expect(refused).toBe(3);

        const list = await call(server.url, 'GET', '/api/v1/users?limit=100', { cookie });
        expect(list.status).toBe(200);
        const ready = await call(server.url, 'GET', '/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.database).toBe('storage_full');
        expect(server.output().match(/database storage is full/g)).toHaveLength(1);

        rmSync(filler);
        await waitForReadyz(server.url, 200, 15_000);
        const after = await create(1000);
        expect(after.status, after.text).toBe(201);
        acknowledged.push('u1000@example.com');
        expect(server.output().match(/database storage has space again/g)).toHaveLength(1);

        const emails = (await call(server.url, 'GET', '/api/v1/users?limit=100', { cookie })).body.items.map(
          (u: { email: string }) => u.email,
        );
        for (const email of acknowledged) expect(emails, email).toContain(email);
      } finally {
        await server.stop();
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
    },
  );
});
