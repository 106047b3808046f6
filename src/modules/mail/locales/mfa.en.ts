import { countOf, type MessageTemplates } from '../templates.js';

const hours = (n: string | undefined) => countOf('en', n, { one: 'hour', other: 'hours' });

/** Two-step verification notices (SEC-MFA-09), English; spread into en.ts. No secret ever appears. */
export const mfaEn: MessageTemplates<
  | 'mfa_factor_added'
  | 'mfa_factor_removed'
  | 'mfa_recovery_code_used'
  | 'mfa_codes_regenerated'
  | 'mfa_access_reset'
> = {
  mfa_factor_added: (v) => ({
    subject: `A sign-in factor was added to your ${v.org} account`,
    paragraphs: [`${v.factor} was added to the two-step verification of your account.`],
    footer: 'contactAdmin',
  }),
  mfa_factor_removed: (v) => ({
    subject: `A sign-in factor was removed from your ${v.org} account`,
    paragraphs: [`${v.factor} was removed from the two-step verification of your account.`],
    footer: 'contactAdmin',
  }),
  mfa_recovery_code_used: (v) => ({
    subject: `A recovery code was used to sign in to your ${v.org} account`,
    paragraphs: [
      'A recovery code was just used to sign in to your account. Each code works once.',
      `You have ${countOf('en', v.remaining, { one: 'recovery code', other: 'recovery codes' })} left. You can make a new set in My account → Two-step verification.`,
    ],
    footer: 'contactAdmin',
  }),
  mfa_codes_regenerated: (v) => ({
    subject: `New recovery codes for your ${v.org} account`,
    paragraphs: ['A new set of recovery codes was made for your account; the previous codes no longer work.'],
    footer: 'contactAdmin',
  }),
  mfa_access_reset: (v) => ({
    subject: `An administrator reset your ${v.org} sign-in`,
    paragraphs: [
      v.scope === 'all'
        ? 'An administrator removed your password and your two-step verification, and signed you out everywhere.'
        : 'An administrator removed your two-step verification and signed you out everywhere.',
      `Reason given: ${v.reason}`,
      v.link
        ? `Use the link below to set up your sign-in again. It works once, on any device, for ${hours(v.hours)}.`
        : `Your administrator will give you a link to set up your sign-in again; it works once, for ${hours(v.hours)}.`,
    ],
    action: { label: 'Set up my sign-in', url: v.link },
    footer: 'contactAdmin',
  }),
};
