import type { Command } from 'commander';
import type { Config } from '../../config/config.js';
import { EmailInput } from '../../http/schemas.js';
import {
  createLogTransport,
  createSmtpTransport,
  renderMail,
  resolveLocale,
  retryFailedMail,
  type MailTransport,
} from '../../modules/mail/index.js';
import { systemClock } from '../../shared/clock.js';
import { configFromEnvironment } from '../environment.js';
import { action, CliError, ExitCode, out, printable, usageError } from '../output.js';
import { withServices } from '../services.js';

/** The SMTP URL as it may be shown: the password replaced. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured SMTP server';
  }
}

/** The transport the server uses for this configuration (see app/build-app.ts). The log transport prints to stdout. */
function configuredTransport(config: Config): MailTransport {
  if (config.mail.smtpUrl) {
    return createSmtpTransport({
      url: config.mail.smtpUrl,
      from: config.mail.from,
      requireTls: config.mail.requireTls,
      rejectUnauthorized: config.mail.rejectUnauthorized,
    });
  }
  const logger = {
    info: (obj: object, msg: string) => out(JSON.stringify({ level: 30, time: Date.now(), ...obj, msg })),
  };
  return createLogTransport(logger as unknown as Parameters<typeof createLogTransport>[0]);
}

/** `gatehouse mail test <address>` and `gatehouse outbox retry`: checking and repairing mail delivery. */
export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('Check mail delivery');

  mail
    .command('test')
    .description(
      'Send a test message to <address> right now through the configured transport (SMTP_URL, or the log ' +
        'without it), bypassing the outbox. Exits 0 when the server accepted it, 70 when delivery failed.',
    )
    .argument('<address>', 'where to send the test message')
    .action(
      action(async (address: string) => {
        const config = configFromEnvironment();
        const to = EmailInput.safeParse(address);
        if (!to.success)
          throw usageError('invalid_address', `${printable(address)} is not an email address.`);
        // The organization's name and language as an admin set them, so the test looks like real mail.
        // (over the server's recorded identity where this shell's environment is silent).
        const { settings, fallbackLocale } = await withServices(config, async (services) => ({
          settings: services.settings.current(),
          fallbackLocale: services.config.defaultLocale,
        }));
        const locale = await resolveLocale(settings.defaultLocale, fallbackLocale);
        const message = await renderMail('test', locale, { org: settings.organizationName });
        const transport = configuredTransport(config);
        const via = config.mail.smtpUrl ? `SMTP (${shownUrl(config.mail.smtpUrl)})` : 'the log transport';
        try {
          await transport.verify();
          await transport.send({ to: to.data, ...message });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new CliError(
            'mail_failed',
            `Could not send through ${via}: ${printable(reason)}`,
            ExitCode.internal,
          );
        } finally {
          transport.close();
        }
        out(`Test message sent to ${printable(to.data)} through ${via}.`);
        if (!config.mail.smtpUrl) out('Without SMTP_URL, mail is only printed (as above), never delivered.');
      }),
    );

  const outbox = program.command('outbox').description('The mail outbox');

  outbox
    .command('retry')
    .description(
      'Queue every failed message again (after fixing the SMTP problem); a running server sends them within seconds.',
    )
    .action(
      action(async () => {
        const config = configFromEnvironment();
        const count = await withServices(config, ({ database }) =>
          retryFailedMail({ db: database.db, clock: systemClock }),
        );
        out(
          count === 0
            ? 'No failed messages.'
            : `Queued ${count} failed message${count === 1 ? '' : 's'} again; a running server will send ${count === 1 ? 'it' : 'them'}.`,
        );
      }),
    );
}
