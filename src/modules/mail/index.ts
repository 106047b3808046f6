export {
  enqueueMail,
  outboxSummary,
  retryFailedMail,
  type MailDeps,
  type MailRequest,
  type OutboxSummary,
} from './outbox.service.js';
export {
  createDispatcher,
  DEFAULT_DISPATCHER,
  backoffMs,
  type Dispatcher,
  type DispatcherOptions,
} from './dispatcher.js';
export {
  createLogTransport,
  createSmtpTransport,
  type MailTransport,
  type OutgoingMail,
  type SmtpSettings,
} from './transports.js';
export { loadLocales, renderMail, resolveLocale, shippedLocales, type TemplateName } from './templates.js';
