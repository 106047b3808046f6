import { countOf, inviterNote, type LocaleCatalogue } from '../templates.js';
import { mfaEn } from './mfa.en.js';

const minutes = (n: string | undefined) => countOf('en', n, { one: 'minute', other: 'minutes' });
const hours = (n: string | undefined) => countOf('en', n, { one: 'hour', other: 'hours' });

/** English. To add a language, copy this file to `<code>.ts` and translate; it is picked up by its file name. */
const en: LocaleCatalogue = {
  name: 'English',
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  signature: (org) => `— ${org}`,
  ignore: 'If you did not expect this message, you can ignore it.',
  contactAdmin: 'If this was not you, contact your administrator right away.',
  roles: { admin: 'Admin', member: 'Member', viewer: 'Viewer' },
  templates: {
    ...mfaEn,
    password_reset: (v) => ({
      subject: `Reset your ${v.org} password`,
      paragraphs: [
        `Someone asked to reset the password of your ${v.org} account. Use the link below to choose a new one.`,
        `The link works once and expires in ${minutes(v.minutes)}.`,
      ],
      action: { label: 'Choose a new password', url: v.link },
      footer: 'ignore',
    }),
    admin_reset_link: (v) => ({
      subject: `Set a new password for ${v.org}`,
      paragraphs: [
        `An administrator asked you to set a new password for your ${v.org} account.`,
        `The link works once and expires in ${hours(v.hours)}.`,
      ],
      action: { label: 'Set a new password', url: v.link },
      footer: 'contactAdmin',
    }),
    invitation: (v) => ({
      subject: `${v.inviter} invited you to ${v.org}`,
      paragraphs: [
        `${v.inviter} invited you to join ${v.org} as ${v.role}.`,
        `Accept the invitation to choose your name and password. The link expires in ${hours(v.hours)}.`,
        ...inviterNote(v.message, `${v.inviter} added a note:`),
      ],
      action: { label: 'Accept the invitation', url: v.link },
      footer: 'ignore',
    }),
    admin_password_reset: (v) => ({
      subject: `Your ${v.org} password was reset by an administrator`,
      paragraphs: [
        'An administrator set a temporary password for your account and signed you out everywhere.',
        'They will give it to you; at your next sign-in you will choose a new password of your own.',
      ],
      action: { label: 'Sign in', url: v.signInUrl },
      footer: 'contactAdmin',
    }),
    password_changed: (v) => ({
      subject: `Your ${v.org} password was changed`,
      paragraphs: ['The password of your account was just changed, and your other sessions were signed out.'],
      footer: 'contactAdmin',
    }),
    password_reset_completed: (v) => ({
      subject: `Your ${v.org} password was reset`,
      paragraphs: ['Your password was reset with a reset link, and all your sessions were signed out.'],
      action: { label: 'Sign in', url: v.signInUrl },
      footer: 'contactAdmin',
    }),
    role_changed: (v) => ({
      subject: `Your role in ${v.org} changed`,
      paragraphs: [`Your role changed from ${v.from} to ${v.to}.`],
      footer: 'contactAdmin',
    }),
    deactivated: (v) => ({
      subject: `Your ${v.org} account was deactivated`,
      paragraphs: [
        'An administrator deactivated your account. You can no longer sign in. Resetting your password will not change that.',
        v.by
          ? `To get access again, ask ${v.by} or another ${v.org} administrator to reactivate your account.`
          : `To get access again, ask a ${v.org} administrator to reactivate your account.`,
      ],
      footer: 'contactAdmin',
    }),
    lockout: (v) => ({
      subject: `Sign-in to ${v.org} locked for a few minutes`,
      paragraphs: [
        `There were too many failed sign-in attempts on your account, so it is locked for ${minutes(v.minutes)}.`,
        v.earlierLink
          ? 'If it was you, wait and try again, or use the password reset link we sent you earlier: it still works. If you no longer have it, ask for a new one with the link below.'
          : `If it was you, wait and try again, or choose a new password with the link below (it works once, for ${minutes(v.linkMinutes ?? '30')}).`,
      ],
      action: { label: v.earlierLink ? 'Ask for a new link' : 'Choose a new password', url: v.link },
      footer: 'contactAdmin',
    }),
    token_created: (v) => ({
      subject: `A new API token was created for your ${v.org} account`,
      paragraphs: [`An API token named “${v.tokenName}” (${v.prefix}…) was just created for your account.`],
      footer: 'contactAdmin',
    }),
    email_change_confirm: (v) => ({
      subject: `Confirm your new ${v.org} email address`,
      paragraphs: [
        `You asked to use ${v.newEmail} for your ${v.org} account. Use the link below to confirm it; until then your account keeps ${v.oldEmail}.`,
        `The link works once and expires in ${hours(v.hours)}.`,
      ],
      action: { label: 'Confirm this address', url: v.link },
      footer: 'ignore',
    }),
    email_verify: (v) => ({
      subject: `Confirm your ${v.org} email address`,
      paragraphs: [
        `An administrator changed the email address of your ${v.org} account to ${v.newEmail}. Use the link below to confirm that it reaches you.`,
        `The link works once and expires in ${hours(v.hours)}.`,
      ],
      action: { label: 'Confirm this address', url: v.link },
      footer: 'contactAdmin',
    }),
    email_changed: (v) => ({
      subject: `The email address of your ${v.org} account is changing`,
      paragraphs: [
        v.byAdmin
          ? `An administrator changed the email address of your ${v.org} account from ${v.oldEmail} to ${v.newEmail}. Mail for the account now goes there.`
          : `Someone signed in to your ${v.org} account asked to change its email address to ${v.newEmail}. It changes only when a link sent to that address is used.`,
      ],
      footer: 'contactAdmin',
    }),
    test: (v) => ({
      subject: `${v.org}: test message`,
      paragraphs: ['This is a test message from Gatehouse. Mail delivery works.'],
    }),
  },
};

export default en;
