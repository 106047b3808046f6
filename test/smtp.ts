import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll } from 'vitest';
import { createSmtpTransport, type MailTransport } from '../src/modules/mail/index.js';

/** One message as the SMTP server received it, parsed by mailparser. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  rcptTo: string[];
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** The `To:` header addresses, lower-cased. */
  to: string[];
  /** The `From:` header as `Name <address>` (or the bare address). */
  from: string;
  subject: string;
  text: string;
  /** The HTML part, or '' when the message has none. */
  html: string;
  /** Parsed headers, lower-cased keys (mailparser's map). */
  headers: Map<string, unknown>;
  /** The raw header lines as sent: what a header-injection check reads. */
  headerLines: Array<{ key: string; line: string }>;
  /** The whole message as received, headers and MIME parts. */
  raw: string;
  /** The content types of the MIME parts (e.g. multipart/alternative, text/plain, text/html). */
  contentTypes: string[];
  /** The SMTP user the client authenticated as, if any. */
  authUser: string | undefined;
}

export interface SmtpCaptureOptions {
  /** When set, AUTH is required and only these credentials are accepted (PLAIN/LOGIN over plain TCP). */
  auth?: { user: string; pass: string };
  /** Listen on this port (default: a random free one). */
  port?: number;
}

export interface SmtpCapture {
  readonly port: number;
  /** `smtp://127.0.0.1:PORT`, with the credentials when AUTH is required. */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Whether the server accepts connections right now. */
  readonly running: boolean;
  /** Starts (or restarts, on the same port) the server. */
  start(): Promise<void>;
  /** Stops listening and closes open connections: an SMTP outage (connections are refused). */
  stop(): Promise<void>;
  /** Messages whose envelope goes to `address`. */
  to(address: string): ReceivedMail[];
  /** Waits until at least `n` messages arrived, bounded (real time only bounds the wait; it never moves the app's clock). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  clear(): void;
  /** A real nodemailer SMTP transport of the app, pointed at this server. */
  transport(overrides?: { url?: string; from?: string }): MailTransport;
}

export const TEST_MAIL_FROM = 'Gatehouse <no-reply@example.test>';

const addressesOf = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
    a.value.map((v) => (v.address ?? '').toLowerCase()),
  );

function fromOf(value: AddressObject | undefined): string {
  const first = value?.value[0];
  if (!first) return '';
  return first.name ? `${first.name} <${first.address ?? ''}>` : (first.address ?? '');
}

function contentTypesOf(raw: string): string[] {
  return [...raw.matchAll(/^content-type:\s*([^;\r\n]+)/gim)].map((m) => (m[1] ?? '').trim().toLowerCase());
}

/**
 * A real SMTP server on 127.0.0.1 (random port, no TLS) that keeps every message it receives,
 * parsed. A message is parsed before the server answers 250, so once the app's dispatcher has
 * finished a pass, every message it sent is already in `messages`. The caller stops it (an
 * `afterAll` registered inside `beforeAll` or a test is never run by vitest).
 */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = options.port ?? 0;

  const create = () =>
    new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      // 127.0.0.1 needs no reverse DNS lookup (it costs a round trip per connection).
      disableReverseLookup: true,
      // A stopped server must let go of its clients at once (the default waits 30 s).
      closeTimeout: 100,
      onAuth(auth, _session, callback) {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (error: Error) => callback(error));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              const rcpt = session.envelope.rcptTo.map((a) => a.address.toLowerCase());
              const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              messages.push({
                rcptTo: rcpt,
                mailFrom,
                to: addressesOf(parsed.to),
                from: fromOf(parsed.from),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: parsed.html || '',
                headers: parsed.headers as Map<string, unknown>,
                headerLines: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
                raw,
                contentTypes: contentTypesOf(raw),
                authUser: typeof session.user === 'string' ? session.user : undefined,
              });
              callback();
            })
            .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
        });
      },
    });

  const capture: SmtpCapture = {
    get port() {
      return port;
    },
    get url() {
      const credentials = options.auth
        ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
        : '';
      return `smtp://${credentials}127.0.0.1:${port}`;
    },
    messages,
    get running() {
      return server !== undefined;
    },
    async start() {
      if (server) return;
      const next = create();
      await new Promise<void>((resolve, reject) => {
        next.server.once('error', reject);
        next.listen(port, '127.0.0.1', () => {
          next.server.off('error', reject);
          resolve();
        });
      });
      port = (next.server.address() as AddressInfo).port;
      server = next;
    },
    async stop() {
      const current = server;
      if (!current) return;
      server = undefined;
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    to(address) {
      const wanted = address.toLowerCase();
      return messages.filter((m) => m.rcptTo.includes(wanted));
    },
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) {
          throw new Error(
            `SMTP capture: expected ${n} messages, got ${messages.length} within ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return messages;
    },
    clear() {
      messages.length = 0;
    },
    transport(overrides = {}) {
      return createSmtpTransport({
        url: overrides.url ?? capture.url,
        from: overrides.from ?? TEST_MAIL_FROM,
        requireTls: false,
        rejectUnauthorized: false,
      });
    },
  };

  await capture.start();
  return capture;
}

/** The first link to PUBLIC_URL's reset page in a text, and its token. */
export function resetLinkIn(text: string): { link: string; token: string } {
  const match = /(https?:\/\/[^\s"<>]+\/reset-password\?token=([A-Za-z0-9_-]+))/.exec(text);
  if (!match) throw new Error(`no reset link in:\n${text}`);
  return { link: match[1] as string, token: match[2] as string };
}

/**
 * Closes apps and SMTP servers after the test file, last opened first. Call it at the top level of
 * the file: vitest runs only the `afterAll` hooks registered while the file is being collected,
 * not those registered later from `beforeAll` or a test.
 */
export function closeAfterFile(): { add<T extends { close(): unknown } | { stop(): unknown }>(thing: T): T } {
  const closers: Array<() => unknown> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  return {
    add(thing) {
      closers.push('stop' in thing ? () => thing.stop() : () => thing.close());
      return thing;
    },
  };
}
