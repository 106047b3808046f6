import { dbNow } from '../../db/time.js';
import type { Db, Executor } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/crypto.js';
import * as store from './outbox.store.js';
import { renderMail, resolveLocale, type TemplateName, type TemplateVars } from './templates.js';

export interface MailDeps {
  clock: Clock;
  config: { organizationName: string; publicUrl: string; defaultLocale: string };
}

export interface MailRequest {
  to: string;
  template: TemplateName;
  /** The recipient's preferred language, if known. */
  locale?: string | null | undefined;
  recipientName?: string | undefined;
  vars?: TemplateVars;
}

/**
 * Queues a message in the caller's transaction: it is sent only if the change that caused it
 * commits, and never inside the request (SEC-ENUM-02).
 */
export async function enqueueMail(exec: Executor, deps: MailDeps, request: MailRequest): Promise<void> {
  const locale = await resolveLocale(request.locale, deps.config.defaultLocale);
  const rendered = await renderMail(request.template, locale, {
    org: deps.config.organizationName,
    signInUrl: `${deps.config.publicUrl}/sign-in`,
    ...(request.recipientName ? { recipientName: request.recipientName } : {}),
    ...request.vars,
  });
  const now = await dbNow(exec, deps.clock);
  await store.insertMessage(exec, {
    id: newId(),
    createdAt: now,
    template: request.template,
    locale,
    toAddress: request.to,
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
