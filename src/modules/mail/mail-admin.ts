import { inTx, type Ctx } from '../../db/context.js';
import type { Db } from '../../db/db.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { OutboxStatus } from './mail.table.js';
import * as list from './outbox-list.store.js';
import * as store from './outbox.store.js';
import { enqueue, type MailConfig } from './outbox.service.js';
import type { MailTransport } from './transports.js';

export interface MailAdminDeps extends Ctx<MailConfig> {
  transport: MailTransport;
  mailFrom: string;
}

export interface MailStatus {
  transport: 'smtp' | 'log';
  from: string;
  /** 'unchecked' unless asked: checking opens a connection to the SMTP server. */
  check: 'ok' | 'error' | 'unchecked';
  checkError: string | null;
  lastError: { message: string; at: string; to: string } | null;
  counts: Record<OutboxStatus, number>;
}

const CHECK_TIMEOUT_MS = 15_000;

async function checkTransport(transport: MailTransport): Promise<{ ok: boolean; error: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      transport.verify(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('no answer from the mail server in 15 s')),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, error: null };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What Settings → Mail and the console's log-mode banner show (issue 14, item 1): which transport
 * this node uses, the sender, optionally a live check of the SMTP connection, the newest delivery
 * error and the outbox counts.
 */
export async function mailStatus(deps: MailAdminDeps, options: { check: boolean }): Promise<MailStatus> {
  const [counts, latest, checked] = await Promise.all([
    store.countByStatus(deps.db),
    list.latestError(deps.db),
    options.check ? checkTransport(deps.transport) : Promise.resolve(null),
  ]);
  return {
    transport: deps.transport.kind,
    from: deps.mailFrom,
    check: checked === null ? 'unchecked' : checked.ok ? 'ok' : 'error',
    checkError: checked?.error ?? null,
    lastError:
      latest?.lastError != null
        ? { message: latest.lastError, at: new Date(latest.createdAt).toISOString(), to: latest.toAddress }
        : null,
    counts,
  };
}

/** Queues the test message to `to` through the outbox, like any mail: it shows in the Outbox. */
export async function sendTestMail(ctx: Ctx<MailConfig>, to: string): Promise<void> {
  await ctx.db.transaction().execute((trx) => enqueue(inTx(ctx, trx), { to, template: 'test' }));
}

export interface OutboxMessage {
  id: string;
  createdAt: string;
  template: string;
  to: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,16})\.([A-Za-z0-9-]{1,64})$/.exec(cursor);
  if (!match?.[1] || !match[2]) throw commonErrors.invalid_cursor();
  return { createdAt: Number(match[1]), id: match[2] };
}

/** The Outbox page: messages newest first, by status, keyset-paged; never a body. */
export async function listOutbox(
  deps: { db: Db },
  input: { status?: OutboxStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: OutboxMessage[]; nextCursor: string | null }> {
  const rows = await list.findOutboxPage(deps.db, {
    status: input.status,
    before: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      createdAt: new Date(r.createdAt).toISOString(),
      template: r.template,
      to: r.toAddress,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      sentAt: r.sentAt === null ? null : new Date(r.sentAt).toISOString(),
      nextAttemptAt: r.status === 'queued' ? new Date(r.nextAttemptAt).toISOString() : null,
    })),
    nextCursor: rows.length > input.limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}
