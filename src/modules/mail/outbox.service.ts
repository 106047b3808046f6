import { dbNow } from '../../db/time.js';
import type { TxCtx } from '../../db/context.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/crypto.js';
import * as store from './outbox.store.js';
import type { MailMessage } from './messages.js';
import { renderMail, resolveLocale, type TemplateVars } from './templates.js';

/**
 * What `enqueue` needs from the environment beside the transaction: the public URL links start with.
 * The organization's name, language and logo are settings in force (`tx.settings`).
 */
export type MailConfig = {
  publicUrl: string;
};

/**
 * The one door for mail: queues a message in the caller's transaction, so it is sent only if the
 * change that caused it commits, and never inside the request (SEC-ENUM-02); the dispatcher
 * delivers it. Every module sends mail through here.
 */
export async function enqueue(tx: TxCtx<MailConfig>, message: MailMessage): Promise<void> {
  const settings = tx.settings.current();
  const locale = await resolveLocale(message.locale, settings.defaultLocale);
  const rendered = await renderMail(message.template, locale, {
    org: settings.organizationName,
    signInUrl: `${tx.config.publicUrl}/sign-in`,
    ...(settings.logoUrl ? { logoUrl: settings.logoUrl } : {}),
    ...(message.recipientName ? { recipientName: message.recipientName } : {}),
    ...(message.vars as TemplateVars | undefined),
  });
  const now = await dbNow(tx.trx, tx.clock);
  await store.insertMessage(tx.trx, {
    id: newId(),
    createdAt: now,
    template: message.template,
    locale,
    toAddress: message.to,
    subject: rendered.subject,
    textBody: rendered.text,
    htmlBody: rendered.html,
    status: 'queued',
    nextAttemptAt: now,
    lockedUntil: null,
    lastError: null,
    sentAt: null,
  });
}

export interface OutboxSummary {
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  recentFailures: Array<{
    id: string;
    to: string;
    template: string;
    attempts: number;
    lastError: string | null;
    createdAt: string;
  }>;
}

export async function outboxSummary(deps: { db: Db }): Promise<OutboxSummary> {
  const [counts, failures] = await Promise.all([
    store.countByStatus(deps.db),
    store.recentFailures(deps.db, 20),
  ]);
  return {
    ...counts,
    recentFailures: failures.map((f) => ({
      id: f.id,
      to: f.toAddress,
      template: f.template,
      attempts: f.attempts,
      lastError: f.lastError,
      createdAt: new Date(f.createdAt).toISOString(),
    })),
  };
}

/** Puts finally failed messages back in the queue (after the SMTP problem is fixed). */
export async function retryFailedMail(deps: { db: Db; clock: Clock }): Promise<number> {
  return store.requeueFailed(deps.db, await dbNow(deps.db, deps.clock));
}
