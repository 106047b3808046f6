import { defineErrors } from '../../shared/errors.js';

export const peopleErrors = defineErrors({
  ids_empty: { status: 400, message: 'ids: choose at least one person.' },
  ids_too_many: { status: 400, message: 'ids: at most 500 people per request.' },
  /* An invitation's id given to a user action, or a user's to an invitation action. */
  wrong_kind: {
    status: 400,
    message: 'This action does not apply to this kind of row (a user or an invitation).',
  },
});
