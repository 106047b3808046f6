import { describe, expect, it } from 'vitest';
import { buildTestApp, signedIn } from '../harness.js';
import { closeAfterFile, startSmtpCapture } from '../smtp.js';

/* What anonymous callers may learn about the deployment (issue 10, item 12): statuses, never details. */

const closing = closeAfterFile();

describe('SEC-IN-05: /readyz tells anonymous callers statuses only', () => {
  it('SEC-IN-05: a failing SMTP check shows on /readyz as a status, without the mail host, port or server reply; the detail goes to the log', async () => {
    const smtp = closing.add(await startSmtpCapture({ auth: { user: 'gatehouse', pass: 'right' } }));
    const t = await buildTestApp({
      env: { SMTP_URL: `smtp://gatehouse:wrong@127.0.0.1:${smtp.port}`, SMTP_REQUIRE_TLS: 'false' },
    });

    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      database: 'ok',
      migrationsPending: 0,
      // The clock offset is a number about this node, not a secret (SEC-BF-06 wants it here).
      clock: { offsetMs: expect.any(Number), limitMs: 30_000, status: 'ok' },
      mail: { transport: 'smtp', status: 'error' },
    });
    for (const secret of ['127.0.0.1', String(smtp.port), '535', 'uthentication', 'Invalid', 'wrong']) {
      expect(ready.body, secret).not.toContain(secret);
    }

    // The operator still learns what went wrong: the log says it, with the server's reply.
    const logged = t.logs.find((line) => line.includes('readyz: the mail transport check failed'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged ?? '{}')).toMatchObject({
      transport: 'smtp',
      error: expect.stringMatching(/535|auth/i),
    });

    // A signed-in admin gets the same answer from /readyz: details belong to the admin API and the log.
    const admin = await signedIn(t, 'admin');
    const asAdmin = await t.app.inject({ method: 'GET', url: '/readyz', headers: { cookie: admin.cookie } });
    expect(asAdmin.json()).toEqual(ready.json());
  });

  it('SEC-IN-05: an unreachable SMTP server is reported as a status only', async () => {
    const smtp = await startSmtpCapture();
    await smtp.stop();
    const t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_REQUIRE_TLS: 'false' } });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().mail).toEqual({ transport: 'smtp', status: 'error' });
    expect(ready.body).not.toContain('ECONNREFUSED');
    expect(ready.body).not.toContain(String(smtp.port));
    expect(t.logs.some((line) => line.includes('ECONNREFUSED'))).toBe(true);
  });
});
