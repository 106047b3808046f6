import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'log';
  send(mail: OutgoingMail): Promise<void>;
  /** Checks the connection and credentials without sending (for /readyz and `gatehouse mail test`). */
  verify(): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  url: string;
  from: string;
  requireTls: boolean;
  rejectUnauthorized: boolean;
}

/**
 * SMTP through nodemailer: `smtp://` (STARTTLS when offered, or required with requireTls) or `smtps://` (TLS).
 * Pooled: a connection (with its TLS handshake and AUTH) is reused for the following messages and
 * closed after a few idle minutes, instead of one connection per message.
 */
export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const transporter = nodemailer.createTransport({
    url: settings.url,
    pool: true,
    requireTLS: settings.requireTls,
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({ from: settings.from, ...mail });
    },
    async verify() {
      await transporter.verify();
    },
    close: () => transporter.close(),
  };
}

/**
 * The zero-setup transport: each message is written to the log, links included, so a fresh
 * install can be used without a mail server (the one place a link may appear in the log).
 */
export function createLogTransport(logger: Pick<FastifyBaseLogger, 'info'>): MailTransport {
  return {
    kind: 'log',
    send(mail) {
      logger.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, 'mail (log transport)');
      return Promise.resolve();
    },
    verify: () => Promise.resolve(),
    close: () => undefined,
  };
}
