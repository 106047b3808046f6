import type { Executor } from '../db/db.js';
import { enqueueMail, type MailDeps } from '../modules/mail/index.js';
import type { AccountNotice, NoticeSender } from '../modules/users/index.js';

/** Account notices (SEC-NOT-01) become outbox messages, in the transaction of the change. No secret is ever passed. */
export function mailNotices(deps: MailDeps): NoticeSender {
  return {
    async send(exec: Executor, notice: AccountNotice) {
      await enqueueMail(exec, deps, {
        to: notice.user.email,
        template: notice.kind,
        locale: notice.user.locale,
        recipientName: notice.user.name,
        vars: notice.details ?? {},
      });
    },
  };
}
