import { i18n, t } from '../../../lib/i18n';
import type { AuditEvent } from '../api';

/** The actions the log knows by name (audit.actions.* in the catalogue); others show their code. */
export const ACTIONS = [
  'auth.sign_in',
  'auth.sign_out',
  'auth.password_reset_requested',
  'auth.password_reset_completed',
  'user.password_changed',
  'user.password_reset_by_admin',
  'user.password_reset_link_created',
  'user.created',
  'user.renamed',
  'user.role_changed',
  'user.deactivated',
  'user.activated',
  'user.sessions_revoked',
  'session.revoked',
  'user.deleted',
  'user.email_changed',
  'user.email_verified',
  'user.email_change_requested',
  'user.session_revoked',
  'user.unlocked',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'invitation.create',
  'settings.changed',
  'setup.completed',
  'instance.public_url_changed',
  'authorization.denied',
] as const;

/** Catalogue keys cannot contain dots inside one level: "auth.sign_in" is looked up as "auth_sign_in". */
const keyOf = (action: string) => action.replace(/\./g, '_');

/** "Sign-in", "Connexion": an action's name, or its code when the console does not know it. */
export function actionLabel(action: string): string {
  const key = `audit.actions.${keyOf(action)}`;
  return i18n.exists(key) ? t(key) : action;
}

export interface Sentence {
  /** Parts of the sentence; `who` parts are names, shown in bold. */
  parts: Array<{ text: string; who?: boolean }>;
}

const str = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));

/** A known code (a reason, a setting, a role) in words, else the code itself made readable. */
function wordFor(group: 'reasons' | 'settings', code: unknown): string {
  const key = `audit.${group}.${String(code)}`;
  return /^[A-Za-z_]+$/.test(String(code)) && i18n.exists(key) ? t(key) : str(code).replace(/_/g, ' ');
}
function roleWord(role: unknown): string {
  return typeof role === 'string' && i18n.exists(`roles.${role}`) ? t(`roles.${role}`) : str(role);
}

// Names go into the translated sentence as markers, then come out as bold parts: the catalogue
// decides the word order ("Ana reset Bob's password" / "Ana a réinitialisé le mot de passe de Bob").
const ACTOR = '\u0001actor\u0001';
const TARGET = '\u0001target\u0001';

function sentence(
  key: string,
  names: { actor: { text: string; who: boolean }; target: { text: string; who: boolean } },
  values: Record<string, unknown> = {},
): Sentence {
  const text = t(`audit.events.${key}`, { ...values, actor: ACTOR, target: TARGET });
  const parts = text
    // eslint-disable-next-line no-control-regex -- the markers are control characters no name contains
    .split(/(\u0001(?:actor|target)\u0001)/)
    .filter((part) => part !== '')
    .map((part) => (part === ACTOR ? names.actor : part === TARGET ? names.target : { text: part }));
  return { parts };
}

/**
 * Who acted, when it was no signed-in person: the server's fixed labels (anonymous, setup, cli) in
 * words; anything else is a person's email, shown as it is.
 */
export function actorLabel(label: string): string {
  return ['anonymous', 'setup', 'cli', 'server'].includes(label) ? t(`audit.actorLabels.${label}`) : label;
}

/** A setting's value in words: a language by its name, yes or no; numbers and names as they are. */
function settingValue(setting: unknown, value: unknown): string {
  if (typeof value === 'boolean') return value ? t('audit.yes') : t('audit.no');
  if (setting === 'defaultLocale' && (value === 'en' || value === 'fr')) return t(`languages.${value}`);
  return str(value);
}

/** Invitation events name the invitation as their target; every other target id is a user's. */
export const targetIsUser = (event: AuditEvent): boolean => !event.action.startsWith('invitation.');

/** An event in words: "Ana Lima reset Bob Stone's password". Unknown actions still read sensibly. */
export function describeEvent(event: AuditEvent, names: Map<string, string>): Sentence {
  const actorName = (event.actor.id && names.get(event.actor.id)) || actorLabel(event.actor.label);
  // A deleted user's events keep their id; the deletion itself names only the tombstone.
  const tombstone = event.target.label?.startsWith('deleted-user:') ? t('audit.deletedUser') : null;
  const targetName =
    (targetIsUser(event) && event.target.id && names.get(event.target.id)) ||
    tombstone ||
    event.target.label ||
    t('audit.someoneLower');
  const self = event.actor.id !== null && event.actor.id === event.target.id;
  const anonymous =
    event.actor.id === null && (event.actor.label === 'anonymous' || event.actor.label === 'setup');
  const who = {
    actor: { text: anonymous ? t('audit.someone') : actorName, who: !anonymous },
    target: { text: targetName, who: true },
  };
  const d = event.details;
  const reason = typeof d.reason === 'string' ? wordFor('reasons', d.reason) : null;
  const failed = event.outcome !== 'success';
  const say = (key: string, values?: Record<string, unknown>) => sentence(key, who, values);
  const withReason = (key: string) => (reason ? say(`${key}Because`, { reason }) : say(key));

  switch (event.action) {
    case 'auth.sign_in':
      return failed
        ? withReason('signInFailed')
        : say(d.temporaryPassword ? 'signedInTemporary' : 'signedIn');
    case 'auth.sign_out':
      return say('signedOut');
    case 'auth.password_reset_requested':
      return failed
        ? withReason('resetRequestedNothingSent')
        : d.reason === 'invitation_resent'
          ? say('resetRequestedInvitationResent')
          : say('resetLinkEmailed');
    case 'auth.password_reset_completed':
      return say('resetCompleted');
    case 'user.password_changed':
      return failed
        ? withReason('passwordChangeFailed')
        : say(d.wasTemporary ? 'replacedTemporaryPassword' : 'changedPassword');
    case 'user.password_reset_by_admin':
      return say(d.generated ? 'resetByAdminGenerated' : 'resetByAdmin');
    case 'user.password_reset_link_created':
      return say(d.sent ? 'resetLinkSentByAdmin' : 'resetLinkCreatedByAdmin');
    case 'user.created':
      return d.role ? say('createdAs', { role: roleWord(d.role) }) : say('created');
    case 'user.renamed':
      return say('renamed', { from: str(d.from), to: str(d.to) });
    case 'user.role_changed':
      return say(self ? 'changedOwnRole' : 'changedRole', { from: roleWord(d.from), to: roleWord(d.to) });
    case 'user.deactivated':
      return say('deactivated');
    case 'user.activated':
      return say('activated');
    case 'user.sessions_revoked':
      return say('signedOutEverywhere');
    case 'session.revoked':
      return say('endedOwnSession');
    case 'user.deleted':
      return say('deleted');
    case 'user.email_changed':
      return say('emailChanged', { from: str(d.from), to: str(d.to) });
    case 'user.email_verified':
      return say('emailVerified');
    case 'user.email_change_requested':
      return say('emailChangeRequested', { to: str(d.to) });
    case 'user.session_revoked':
      return say('endedSessionOf');
    case 'user.unlocked':
      return say('unlocked');
    case 'invitation.created':
      return d.role ? say('invitedAs', { role: roleWord(d.role) }) : say('invited');
    case 'invitation.resent':
      return d.via === 'forgot_password' ? say('invitationResentForgot') : say('invitationResent');
    case 'invitation.revoked':
      return say('invitationRevoked');
    case 'invitation.accepted':
      return say('invitationAccepted');
    case 'invitation.create':
      return say('invitationRefused');
    case 'settings.changed':
      return say('settingChanged', {
        setting: wordFor('settings', d.setting),
        from: settingValue(d.setting, d.from),
        to: settingValue(d.setting, d.to),
      });
    case 'setup.completed':
      return say('setupCompleted');
    case 'instance.public_url_changed':
      return say('publicUrlChanged', { from: str(d.from), to: str(d.to) });
    case 'authorization.denied':
      return say('accessDenied', { method: str(d.method), route: str(d.route) });
    default:
      return say(event.target.label ? 'otherWithTarget' : 'other', { action: actionLabel(event.action) });
  }
}
