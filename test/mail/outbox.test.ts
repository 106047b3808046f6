import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/db.js';
import {
  createDispatcher,
  DEFAULT_DISPATCHER,
  enqueue,
  retryFailedMail,
  type Dispatcher,
} from '../../src/modules/mail/index.js';
import { updateSettings } from '../../src/modules/settings/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';
import { buildTestApp, request, seedUser, signIn, STRONG_PASSWORD, type TestApp } from '../harness.js';
import { closeAfterFile, resetLinkIn, startSmtpCapture, type SmtpCapture } from '../smtp.js';
import { GATEHOUSE_ARGS } from '../cli/entry.js';
import { loadConfig } from '../../src/config/config.js';
import { settingsOf } from '../settings.js';

/**
 * The outbox under failure: mail is queued in the request's transaction and sent later, so an SMTP
 * outage slows nothing down and loses nothing; retries back off exponentially, end in `failed` with
 * the last error, can be requeued, and every message is delivered exactly once.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Each request comes from its own client address (TEST-NET-2), so the per-IP limit on forgot-password
 * (SEC-BF-04, tested with the throttle) never interferes with what these tests look at.
 */
let client = 0;
const clientAddress = () => `198.51.100.${(client = (client % 250) + 1)}`;

const forgot = (t: TestApp, email: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    payload: { email },
    remoteAddress: clientAddress(),
  });

function rowsTo(t: TestApp, email: string) {
  return t.db.db
    .selectFrom('mailOutbox')
    .selectAll()
    .where('toAddress', '=', email)
    .orderBy('createdAt')
    .execute();
}

const closing = closeAfterFile();

describe('outbox: SMTP outage, retries, exactly-once delivery', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let adminCookie: string;

  beforeAll(async () => {
    smtp = closing.add(await startSmtpCapture());
    t = closing.add(await buildTestApp({ transport: smtp.transport() }));
    const admin = await seedUser(t, { email: 'outbox.admin@example.test', name: 'Oda Admin', role: 'admin' });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  it('with the SMTP server down, requests answer at once; retries back off exponentially, then fail with the last error; after the outage every message arrives exactly once', async () => {
    const users = await Promise.all(
      ['ana', 'ben', 'cyd'].map((n) =>
        seedUser(t, { email: `${n}.outage@example.test`, name: `${n} Outage` }),
      ),
    );
    const emails = users.map((u) => u.email);
    // Mail flows before the outage, so the transport holds an open (pooled) connection when the server goes away.
    const before = await seedUser(t, { email: 'early.outage@example.test', name: 'Ear Ly' });
    expect((await forgot(t, before.email)).statusCode).toBe(202);
    expect(await t.app.mail.dispatcher.runOnce()).toBe(1);
    expect(smtp.to(before.email)).toHaveLength(1);
    await smtp.stop();

    // The outage changes nothing for the requests: 202 / 200, mail only queued.
    for (const email of emails) expect((await forgot(t, email)).statusCode).toBe(202);
    const role = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${users[0]?.id}`,
      payload: { role: 'viewer' },
    });
    expect(role.statusCode).toBe(200);
    const queued = await t.db.db
      .selectFrom('mailOutbox')
      .select(['id', 'toAddress', 'template'])
      .where('toAddress', 'in', emails)
      .execute();
    expect(queued).toHaveLength(4);

    // Each pass tries, fails, and schedules the next attempt twice as far away.
    const delays: number[] = [];
    for (let attempt = 1; attempt < DEFAULT_DISPATCHER.maxAttempts; attempt += 1) {
      expect(await t.app.mail.dispatcher.runOnce()).toBe(4);
      const rows = await t.db.db
        .selectFrom('mailOutbox')
        .selectAll()
        .where('toAddress', 'in', emails)
        .execute();
      for (const row of rows) {
        expect(row.status).toBe('queued');
        expect(row.attempts).toBe(attempt);
        expect(row.lastError).toMatch(/ECONNREFUSED/);
        expect(row.sentAt).toBeNull();
      }
      const delay = (rows[0]?.nextAttemptAt ?? 0) - t.clock.now();
      for (const row of rows) expect(row.nextAttemptAt - t.clock.now()).toBe(delay);
      delays.push(delay);

      // Nothing is due before its time.
      t.clock.advance(delay - 1);
      expect(await t.app.mail.dispatcher.runOnce()).toBe(0);
      t.clock.advance(1);
    }
    expect(delays[0]).toBe(DEFAULT_DISPATCHER.baseBackoffMs);
    for (let i = 1; i < delays.length; i += 1) {
      expect(delays[i]).toBe(Math.min((delays[i - 1] ?? 0) * 2, DEFAULT_DISPATCHER.maxBackoffMs));
    }

    // The last attempt fails for good, keeping the error.
    await t.app.mail.dispatcher.runOnce();
    const failed = await t.db.db
      .selectFrom('mailOutbox')
      .selectAll()
      .where('toAddress', 'in', emails)
      .execute();
    for (const row of failed) {
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(DEFAULT_DISPATCHER.maxAttempts);
      expect(row.lastError).toMatch(/ECONNREFUSED/);
      expect(row.lockedUntil).toBeNull();
    }
    t.clock.advance(24 * 60 * MINUTE);
    expect(await t.app.mail.dispatcher.runOnce(), 'failed messages are not retried by themselves').toBe(0);

    // The admin sees it: counts and recent failures, with the last error (signing in again: a day passed).
    adminCookie = await signIn(t, 'outbox.admin@example.test', STRONG_PASSWORD);
    const outbox = await request(t, adminCookie, { method: 'GET', url: '/api/v1/outbox' });
    expect(outbox.statusCode).toBe(200);
    const summary = outbox.json();
    expect(summary.failed).toBe(4);
    expect(summary.queued).toBe(0);
    expect(summary.sending).toBe(0);
    const failures = summary.recentFailures as Array<{
      to: string;
      template: string;
      attempts: number;
      lastError: string;
    }>;
    expect(failures.map((f) => f.to).sort()).toEqual([...emails, emails[0]].sort());
    expect(failures.map((f) => f.template).sort()).toEqual([
      'password_reset',
      'password_reset',
      'password_reset',
      'role_changed',
    ]);
    for (const f of failures) {
      expect(f.attempts).toBe(DEFAULT_DISPATCHER.maxAttempts);
      expect(f.lastError).toMatch(/ECONNREFUSED/);
    }
    expect(JSON.stringify(summary)).not.toMatch(/token=/);

    // Still down: a new request is queued, not lost.
    const late = await seedUser(t, { email: 'dee.late@example.test', name: 'Dee Late' });
    expect((await forgot(t, late.email)).statusCode).toBe(202);
    await t.app.mail.dispatcher.runOnce();
    expect((await rowsTo(t, late.email))[0]).toMatchObject({ status: 'queued', attempts: 1 });

    // The server comes back (a new server on the same port). Queued mail goes at its next attempt;
    // failed mail waits for an operator's retry (`gatehouse outbox retry`).
    await smtp.start();
    t.clock.advance(DEFAULT_DISPATCHER.baseBackoffMs);
    expect(await t.app.mail.dispatcher.runOnce()).toBe(1);
    expect(smtp.to(late.email)).toHaveLength(1);
    for (const email of emails) expect(smtp.to(email)).toHaveLength(0);

    expect(await retryFailedMail({ db: t.db.db, clock: t.clock })).toBe(4);
    expect(await retryFailedMail({ db: t.db.db, clock: t.clock })).toBe(0);
    expect(await t.app.mail.dispatcher.runOnce()).toBe(4);

    // The link queued during the outage and delivered after it works (it is within its 30 minutes).
    const { token } = resetLinkIn(smtp.to(late.email)[0]?.text ?? '');
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, newPassword: 'violet harbour compass 2026' },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await t.app.mail.dispatcher.runOnce(), 'the reset-completed notice').toBe(1);

    // Exactly once, also after more passes and more time.
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(2 * 60 * MINUTE);
      expect(await t.app.mail.dispatcher.runOnce()).toBe(0);
    }
    expect(smtp.to(emails[0] ?? '')).toHaveLength(2); // password_reset + role_changed
    expect(smtp.to(emails[1] ?? '')).toHaveLength(1);
    expect(smtp.to(emails[2] ?? '')).toHaveLength(1);
    expect(smtp.to(late.email).map((m) => m.subject)).toEqual([
      'Reset your Gatehouse password',
      'Your Gatehouse password was reset',
    ]);
    expect(
      smtp
        .to(emails[0] ?? '')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Reset your Gatehouse password', 'Your role in Gatehouse changed']);

    // Sent mail is scrubbed: no body, so no link and no token stays in the database.
    const sent = await t.db.db
      .selectFrom('mailOutbox')
      .selectAll()
      .where('toAddress', 'in', [...emails, late.email])
      .where('template', '=', 'password_reset')
      .execute();
    expect(sent).toHaveLength(4);
    for (const row of sent) {
      expect(row.status).toBe('sent');
      expect(row.textBody).toBeNull();
      expect(row.htmlBody).toBeNull();
      expect(row.lastError).toBeNull();
      expect(row.sentAt).toBeGreaterThan(0);
    }
    const withToken = await t.db.db
      .selectFrom('mailOutbox')
      .select('id')
      .where((eb) => eb.or([eb('textBody', 'like', `%${token}%`), eb('htmlBody', 'like', `%${token}%`)]))
      .execute();
    expect(withToken).toHaveLength(0);

    // The admin view after recovery.
    adminCookie = await signIn(t, 'outbox.admin@example.test', STRONG_PASSWORD);
    const after = (await request(t, adminCookie, { method: 'GET', url: '/api/v1/outbox' })).json();
    expect(after).toMatchObject({ failed: 0, queued: 0, sending: 0, recentFailures: [] });
    expect(after.sent).toBeGreaterThanOrEqual(6);

    // Failures were logged without the message's content.
    const warnings = t.logs.filter((l) => l.includes('mail delivery failed'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).not.toContain('token=');
  });

  it('a message claimed by a node that died is taken over once its claim expires, and delivered once', async () => {
    const user = await seedUser(t, { email: 'crash.claim@example.test', name: 'Cra Shed' });
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    const [row] = await rowsTo(t, user.email);
    if (!row) throw new Error('no outbox row');
    // What a node leaves behind when it dies between claiming and sending.
    await t.db.db
      .updateTable('mailOutbox')
      .set({ status: 'sending', attempts: 1, lockedUntil: t.clock.now() + DEFAULT_DISPATCHER.claimMs })
      .where('id', '=', row.id)
      .execute();
    expect(await t.app.mail.dispatcher.runOnce()).toBe(0);
    t.clock.advance(DEFAULT_DISPATCHER.claimMs);
    expect(await t.app.mail.dispatcher.runOnce()).toBe(1);
    expect(smtp.to(user.email)).toHaveLength(1);
    expect((await rowsTo(t, user.email))[0]).toMatchObject({ status: 'sent', attempts: 2, textBody: null });
    t.clock.advance(DEFAULT_DISPATCHER.claimMs * 10);
    expect(await t.app.mail.dispatcher.runOnce()).toBe(0);
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('GET /api/v1/outbox is for admins only', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/outbox' });
    expect(anonymous.statusCode).toBe(401);
    const member = await seedUser(t, { email: 'outbox.member@example.test', name: 'Mem Ber' });
    const cookie = await signIn(t, member.email, member.password);
    const forbidden = await request(t, cookie, { method: 'GET', url: '/api/v1/outbox' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
  });
});

/*
 * Several dispatchers claiming from one queue at the same time is a PostgreSQL deployment (nodes
 * behind a load balancer, FOR UPDATE SKIP LOCKED). SQLite has a single writer and one node per
 * file, so there is nothing concurrent to test there: its dispatcher is covered by the tests above.
 */
describe.skipIf(TEST_DIALECT === 'sqlite')(
  'two dispatchers on one PostgreSQL database (PostgreSQL only: SQLite has one writer and one node)',
  () => {
    it('deliver 500 queued messages with no duplicate and none lost', async () => {
      const smtp = closing.add(await startSmtpCapture());
      const database = await freshDatabase();
      const second: DbHandle = createDb({ kind: 'postgres', url: database.url });
      const clock = new ManualClock();
      const transports = [smtp.transport(), smtp.transport()] as const;
      try {
        const config = { publicUrl: 'http://localhost:8080' };
        const settings = settingsOf(loadConfig({ ORGANIZATION_NAME: 'Gatehouse', DEFAULT_LOCALE: 'en' }));
        const recipients = Array.from(
          { length: 500 },
          (_, i) => `r${String(i).padStart(3, '0')}@example.test`,
        );
        await database.handle.db.transaction().execute(async (trx) => {
          for (const to of recipients)
            await enqueue({ trx, clock, config, settings }, { to, template: 'test' });
        });

        const options = { ...DEFAULT_DISPATCHER, batchSize: 10 };
        const dispatchers: Dispatcher[] = [
          createDispatcher({ db: database.handle.db, clock, transport: transports[0] }, options),
          createDispatcher({ db: second.db, clock, transport: transports[1] }, options),
        ];
        const attempted = [0, 0];
        const remaining = async () =>
          Number(
            (
              await database.handle.db
                .selectFrom('mailOutbox')
                .select((eb) => eb.fn.countAll<number | string>().as('n'))
                .where('status', '!=', 'sent')
                .executeTakeFirstOrThrow()
            ).n,
          );
        for (let round = 0; (await remaining()) > 0; round += 1) {
          expect(round, 'the queue drains').toBeLessThan(20);
          const counts = await Promise.all(dispatchers.map((d) => d.runOnce()));
          counts.forEach((n, i) => (attempted[i] = (attempted[i] ?? 0) + n));
        }

        expect(smtp.messages).toHaveLength(500);
        const received = smtp.messages.flatMap((m) => m.rcptTo);
        expect(new Set(received).size).toBe(500);
        expect([...received].sort()).toEqual(recipients);
        // Both took part, and together they attempted each message exactly once.
        expect(attempted[0]).toBeGreaterThan(0);
        expect(attempted[1]).toBeGreaterThan(0);
        expect((attempted[0] ?? 0) + (attempted[1] ?? 0)).toBe(500);
        const rows = await database.handle.db
          .selectFrom('mailOutbox')
          .select(['status', 'attempts'])
          .execute();
        expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      } finally {
        for (const tr of transports) tr.close();
        await second.close();
        await database.drop();
      }
    });
  },
);

/** Runs `gatehouse <args>` as an operator would: a real process, configured by the environment only. */
function gatehouse(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...GATEHOUSE_ARGS, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('gatehouse outbox retry and gatehouse mail test (the CLI, a real process)', () => {
  it('outbox retry queues failed mail again; mail test sends through SMTP_URL and exits 70 when it cannot', async () => {
    const smtp = closing.add(await startSmtpCapture());
    const workdir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-cli-'));
    const database = await freshDatabase(
      TEST_DIALECT === 'sqlite' ? { sqlitePath: join(workdir, 'g.sqlite') } : {},
    );
    const db = database.handle.db;
    const clock = new ManualClock(Date.now());
    const transport = smtp.transport();
    try {
      const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, MAIL_FROM: 'Ops <ops@example.test>' };
      const config = { publicUrl: 'http://localhost:8080' };
      const settings = settingsOf(loadConfig({ ORGANIZATION_NAME: 'Gatehouse', DEFAULT_LOCALE: 'en' }));
      await db.transaction().execute(async (trx) => {
        for (const to of ['one@example.test', 'two@example.test']) {
          await enqueue({ trx, clock, config, settings }, { to, template: 'test' });
        }
      });
      // One attempt allowed, SMTP down: both fail for good.
      await smtp.stop();
      const dispatcher = createDispatcher(
        { db, clock, transport },
        { ...DEFAULT_DISPATCHER, maxAttempts: 1 },
      );
      expect(await dispatcher.runOnce()).toBe(2);
      const failed = await db.selectFrom('mailOutbox').select(['status', 'lastError']).execute();
      expect(failed.map((r) => r.status)).toEqual(['failed', 'failed']);

      // mail test while SMTP is down: a clear error, exit 70, and the password of SMTP_URL is never shown.
      const withPassword = `smtp://ops:hunter2-secret@127.0.0.1:${smtp.port}`;
      const down = await gatehouse(
        ['mail', 'test', 'ops@example.test'],
        { ...env, SMTP_URL: withPassword },
        workdir,
      );
      expect(down.code).toBe(70);
      expect(down.stderr).toMatch(/^error: mail_failed: Could not send through SMTP .*ECONNREFUSED/);
      expect(down.stdout + down.stderr).not.toContain('hunter2-secret');

      await smtp.start();
      const retry = await gatehouse(['outbox', 'retry'], env, workdir);
      expect(retry.stderr).toBe('');
      expect(retry.code).toBe(0);
      expect(retry.stdout).toContain('Queued 2 failed messages again');
      const requeued = await db
        .selectFrom('mailOutbox')
        .select(['status', 'attempts', 'lastError'])
        .execute();
      expect(requeued).toEqual([
        { status: 'queued', attempts: 0, lastError: null },
        { status: 'queued', attempts: 0, lastError: null },
      ]);
      // The CLI requeued them for "now" on the system clock; the test's clock catches up with it.
      clock.advance(Date.now() - clock.now() + 1);
      expect(await dispatcher.runOnce()).toBe(2);
      expect(smtp.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['one@example.test', 'two@example.test']);

      // mail test through the real server, with the organization's name and language from the settings.
      await updateSettings(
        { db, clock },
        cliContext(),
        {
          organizationName: 'Gatehouse',
          defaultLocale: 'en',
          membersMayInvite: false,
          passwordMinLength: 15,
          sessionIdleMinutes: 30,
          sessionAbsoluteHours: 12,
          temporaryPasswordHours: 72,
          selfResetLinkMinutes: 30,
          adminResetLinkHours: 24,
          invitationLinkHours: 72,
          logoUrl: null,
        },
        { organizationName: 'Fabrique Lumière', defaultLocale: 'fr' },
      );
      const sent = await gatehouse(['mail', 'test', 'Ops@Example.test'], env, workdir);
      expect(sent.stderr).toBe('');
      expect(sent.code).toBe(0);
      expect(sent.stdout).toContain('Test message sent to ops@example.test through SMTP');
      const [test] = smtp.to('ops@example.test');
      expect(test?.subject).toBe('Fabrique Lumière\u00a0: message de test');
      expect(test?.from).toBe('Ops <ops@example.test>');
      expect(test?.contentTypes).toEqual(expect.arrayContaining(['text/plain', 'text/html']));
    } finally {
      transport.close();
      await database.drop();
      rmSync(workdir, { recursive: true, force: true });
    }
  });
});
