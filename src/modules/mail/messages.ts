import type { TemplateName } from './templates.js';

/**
 * What each template needs, typed: a message names its template and must carry exactly that
 * template's values. The organization name, sign-in URL and greeting are added by `enqueue`.
 * Account notices (SEC-NOT-01, SEC-TMP-04) are templates like any other; never put a secret in one.
 */
export interface TemplateValues {
  password_reset: { link: string; minutes: string };
  admin_reset_link: { link: string; hours: string };
  invitation: { link: string; inviter: string; role: string; hours: string; message?: string };
  admin_password_reset: Record<string, never>;
  password_changed: Record<string, never>;
  password_reset_completed: Record<string, never>;
  role_changed: { from: string; to: string };
  /** `by`: the deactivating admin's address, whom to ask for access again (absent for the CLI). */
  deactivated: { by?: string };
  /** `link` is a fresh reset link, or Forgot password when the user already holds one (`earlierLink`). */
  lockout: { minutes: string; link: string; linkMinutes: string; earlierLink?: 'open' };
  token_created: { tokenName: string; prefix: string };
  // Two-step verification (SEC-MFA-09): never a secret; `factor` is the factor's name.
  mfa_factor_added: { factor: string };
  mfa_factor_removed: { factor: string };
  mfa_recovery_code_used: { remaining: string };
  mfa_codes_regenerated: Record<string, never>;
  /** `link` only when the admin chose to send it. */
  mfa_access_reset: { scope: 'factors' | 'all'; reason: string; hours: string; link?: string };
  /** Issue 14: a link to confirm a new address (self-service change), or to verify one an admin set. */
  email_change_confirm: { link: string; hours: string; newEmail: string; oldEmail: string };
  email_verify: { link: string; hours: string; newEmail: string; oldEmail: string };
  /** To the old address: `byAdmin` 'yes' when an admin changed it, '' for the user's own request. */
  email_changed: { oldEmail: string; newEmail: string; byAdmin: string };
  test: Record<string, never>;
}

/** Who a message goes to: an address, the reader's language if known, and the name to greet. */
export interface Recipient {
  to: string;
  /** The recipient's preferred language, if known; else the organization default. */
  locale?: string | null | undefined;
  recipientName?: string | undefined;
}

export type MailMessage = {
  [T in TemplateName]: Recipient & { template: T; vars?: TemplateValues[T] };
}[TemplateName];

/** A user as a recipient: their address, their language, their name. */
export function recipientOf(user: { email: string; name: string; locale: string | null }): Recipient {
  return { to: user.email, locale: user.locale, recipientName: user.name };
}
