import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../scripts/embedded-postgres.mjs';
import type { DbHandle } from '../../src/db/db.js';
import { TEST_DIALECT } from '../database.js';
import {
  call,
  openDatabase,
  seedUser,
  signIn,
  sleep,
  startGatehouse,
  waitForReadyz,
  type GatehouseProcess,
  type Reply,
} from './process.js';

/**
 * Resilience (issue 6, item 4): a PostgreSQL restart during load makes /readyz fail and then recover
 * without restarting Gatehouse, with no 5xx once the database is back. The suite's own PostgreSQL
 * serves every other test file, so this test starts a private one with the suite's own starter
 * (scripts/embedded-postgres.mjs), restartable: stopped and started again on the same data and port.
 * SQLite has no server to restart: on the SQLite run this file's one test is skipped, and says why.
 */
const PG = TEST_DIALECT === 'postgres';

describe.skipIf(!PG)(
  'a PostgreSQL restart during load (PostgreSQL only: SQLite has no database server to restart)',
  () => {
    it(
      '/readyz fails while PostgreSQL is down and recovers without restarting Gatehouse; no 5xx once it is back',
      { timeout: 150_000 },
      async () => {
        const pgDir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-restart-'));
        let postgres: EmbeddedPostgresServer | undefined;
        let node: GatehouseProcess | undefined;
        let own: DbHandle | undefined;
        try {
          postgres = await startEmbeddedPostgres(pgDir, {
            durable: true,
            maxConnections: 100,
            restartable: true,
          });
          const url = postgres.url;
          own = openDatabase(url);
          await own.migrate();
          const boss = await seedUser(own, { email: 'admin@example.test', name: 'Ada Admin', role: 'admin' });
          const person = await seedUser(own, { email: 'person@example.test', name: 'Pat Person' });
          await own.close();
          own = undefined;

          node = await startGatehouse({ databaseUrl: url });
          const pid = node.pid;
          const cookie = await signIn(node.url, boss.email, boss.password);

          type Phase = 'before' | 'outage' | 'after';
          let phase: Phase = 'before';
          const seen: Record<Phase, { ok: number; failed: string[] }> = {
            before: { ok: 0, failed: [] },
            outage: { ok: 0, failed: [] },
            after: { ok: 0, failed: [] },
          };
          let stop = false;
          const target = node;
          const requests: Array<() => Promise<Reply>> = [
            () => call(target.url, 'GET', '/api/v1/me', { cookie }),
            () => call(target.url, 'GET', '/api/v1/users?limit=5', { cookie }),
            () =>
              call(target.url, 'POST', '/api/v1/auth/sign-in', {
                body: { email: person.email, password: person.password },
              }),
            () => call(target.url, 'PATCH', '/api/v1/me', { cookie, body: { locale: 'fr' } }),
          ];
          const worker = async (w: number) => {
            for (let i = w; !stop; i += 1) {
              const startedIn = phase;
              let outcome: string;
              try {
                const reply = await requests[i % requests.length]!();
                outcome =
                  reply.status >= 200 && reply.status < 300
                    ? 'ok'
                    : `${reply.status} ${reply.text.slice(0, 120)}`;
              } catch (error) {
                outcome = `network: ${(error as Error).message}`;
              }
              // 'before': started and ended before PostgreSQL stopped; 'after': started once /readyz
              // answered 200 again; everything else overlapped the outage.
              const bucket =
                startedIn === 'after' ? seen.after : phase === 'before' ? seen.before : seen.outage;
              if (outcome === 'ok') bucket.ok += 1;
              else bucket.failed.push(outcome);
              await sleep(20);
            }
          };
          const workers = Promise.all([0, 1, 2, 3].map(worker));
          await sleep(1_500);

          phase = 'outage';
          await postgres.stop();
          const downMs = await waitForReadyz(target.url, 503, 10_000);
          const unready = await call(target.url, 'GET', '/readyz');
          expect(unready.body).toMatchObject({ status: 'unavailable', database: 'unreachable' });
          await sleep(1_000);

          await postgres.start();
          const upMs = await waitForReadyz(target.url, 200, 20_000);
          phase = 'after';
          await sleep(3_000);
          stop = true;
          await workers;

          console.info(
            `PostgreSQL restart: /readyz 503 after ${downMs} ms, 200 again ${upMs} ms after the restart; ` +
              `requests ok before ${seen.before.ok}, during the outage ${seen.outage.ok} ok / ${seen.outage.failed.length} failed, ` +
              `after ${seen.after.ok} ok / ${seen.after.failed.length} failed`,
          );
          expect(seen.before.failed).toEqual([]);
          expect(seen.before.ok).toBeGreaterThan(0);
          expect(seen.after.failed).toEqual([]);
          expect(seen.after.ok).toBeGreaterThan(10);
          // The same process all along: it recovered, nobody restarted it.
          expect(node.pid).toBe(pid);
          expect(node.child.exitCode).toBeNull();
          expect((await call(target.url, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
        } catch (error) {
          throw new Error(
            `${(error as Error).message}\n--- gatehouse (end of its output) ---\n${node?.output().slice(-3000) ?? ''}\n--- postgres ---\n${postgres?.log().slice(-4000) ?? ''}`,
          );
        } finally {
          await node?.stop();
          await own?.close();
          await postgres?.stop().catch(() => undefined);
          rmSync(pgDir, { recursive: true, force: true });
        }
      },
    );
  },
);
