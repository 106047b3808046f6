import { defineErrors } from '../../shared/errors.js';

export const passwordErrors = defineErrors({
  password_too_short: { status: 400, message: 'The password is too short.' },
  password_too_long: { status: 400, message: 'The password is too long (at most 256 characters).' },
  password_blocklisted: {
    status: 400,
    message: 'This password is too common or has appeared in a data breach. Choose another.',
  },
  password_contains_context: {
    status: 400,
    message: 'The password must not contain your name, your email, or the organization or product name.',
  },
  password_too_weak: {
    status: 400,
    message:
      'The password is too easy to guess (a common word, name or pattern, like password1234567). Add more words or characters that do not follow a pattern.',
  },
  password_invalid_characters: { status: 400, message: 'The password must not contain control characters.' },
  password_reused: { status: 400, message: 'The new password must differ from the current one.' },
});
