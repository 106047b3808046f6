export {
  enqueue,
  outboxSummary,
  retryFailedMail,
  type MailConfig,
  type OutboxSummary,
} from './outbox.service.js';
export { recipientOf, type MailMessage, type Recipient, type TemplateValues } from './messages.js';
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
export { eraseMailTo } from './erase.js';
