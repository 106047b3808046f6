import type { AuditEvent } from '../api';

export const ACTION_LABELS: Record<string, string> = {
  'auth.sign_in': 'Sign-in',
  'auth.sign_out': 'Sign-out',
  'auth.password_reset_requested': 'Reset link requested',
  'auth.password_reset_completed': 'Password reset with a link',
  'user.password_changed': 'Password changed',
  'user.password_reset_by_admin': 'Password reset by an admin',
  'user.password_reset_link_created': 'Reset link created by an admin',
  'user.created': 'User created',
  'user.renamed': 'User renamed',
  'user.role_changed': 'Role changed',
  'user.deactivated': 'User deactivated',
  'user.activated': 'User activated',
  'user.sessions_revoked': 'Signed out everywhere',
  'session.revoked': 'Session ended',
  'invitation.created': 'Invitation sent',
  'invitation.resent': 'Invitation resent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'invitation.create': 'Invitation refused',
  'settings.changed': 'Settings changed',
  'setup.completed': 'First-run setup',
  'authorization.denied': 'Access denied',
};

export interface Sentence {
  /** Parts of the sentence; `who` parts are names, shown in bold. */
  parts: Array<{ text: string; who?: boolean }>;
}

const SETTING_LABELS: Record<string, string> = {
  organizationName: 'organization name',
  defaultLocale: 'default language',
  membersMayInvite: 'members may invite',
  passwordMinLength: 'minimum password length',
  sessionIdleMinutes: 'session idle timeout (minutes)',
  sessionAbsoluteHours: 'session lifetime (hours)',
  temporaryPasswordHours: 'temporary password lifetime (hours)',
};

const REASONS: Record<string, string> = {
  unknown_email: 'no account has this email',
  wrong_password: 'wrong password',
  deactivated: 'the account is deactivated',
  temporary_password_expired: 'the temporary password had expired',
  current_password_incorrect: 'wrong current password',
  invitation_resent: 'their pending invitation was sent again',
  locked: 'the account is locked',
};

const str = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));

/** Invitation events name the invitation as their target; every other target id is a user's. */
export const targetIsUser = (event: AuditEvent): boolean => !event.action.startsWith('invitation.');

/** An event in words: "Ana Lima reset Bob Stone's password". Unknown actions still read sensibly. */
export function describeEvent(event: AuditEvent, names: Map<string, string>): Sentence {
  const actorName = (event.actor.id && names.get(event.actor.id)) || event.actor.label;
  const targetName =
    (targetIsUser(event) && event.target.id && names.get(event.target.id)) || event.target.label || 'someone';
  const self = event.actor.id !== null && event.actor.id === event.target.id;
  const anonymous =
    event.actor.id === null && (event.actor.label === 'anonymous' || event.actor.label === 'setup');
  const actor = { text: anonymous ? 'Someone' : actorName, who: !anonymous };
  const target = { text: targetName, who: true };
  const targets = { text: `${targetName}’s`, who: true };
  const d = event.details;
  const reason = typeof d.reason === 'string' ? (REASONS[d.reason] ?? d.reason.replace(/_/g, ' ')) : null;
  const failed = event.outcome !== 'success';
  const t = (text: string) => ({ text });

  switch (event.action) {
    case 'auth.sign_in':
      return failed
        ? { parts: [t('Failed sign-in as '), target, ...(reason ? [t(` (${reason})`)] : [])] }
        : { parts: [target, t(d.temporaryPassword ? ' signed in with a temporary password' : ' signed in')] };
    case 'auth.sign_out':
      return { parts: [actor, t(' signed out')] };
    case 'auth.password_reset_requested':
      return failed
        ? {
            parts: [
              t('Password reset requested for '),
              target,
              ...(reason ? [t(`: nothing sent (${reason})`)] : []),
            ],
          }
        : d.reason === 'invitation_resent'
          ? { parts: [t('Password reset requested for '), target, t(`: ${REASONS.invitation_resent}`)] }
          : { parts: [t('A password reset link was emailed to '), target] };
    case 'auth.password_reset_completed':
      return { parts: [target, t(' set a new password with a reset link')] };
    case 'user.password_changed':
      return failed
        ? { parts: [actor, t(' failed to change their password'), ...(reason ? [t(` (${reason})`)] : [])] }
        : {
            parts: [
              actor,
              t(d.wasTemporary ? ' replaced their temporary password' : ' changed their password'),
            ],
          };
    case 'user.password_reset_by_admin':
      return {
        parts: [actor, t(' reset '), targets, t(d.generated ? ' password (generated)' : ' password')],
      };
    case 'user.password_reset_link_created':
      return d.sent
        ? { parts: [actor, t(' emailed '), target, t(' a password reset link')] }
        : { parts: [actor, t(' created a password reset link for '), target] };
    case 'user.created':
      return { parts: [actor, t(' created '), target, ...(d.role ? [t(` as ${str(d.role)}`)] : [])] };
    case 'user.renamed':
      return { parts: [actor, t(' renamed '), target, t(` from “${str(d.from)}” to “${str(d.to)}”`)] };
    case 'user.role_changed':
      return self
        ? { parts: [actor, t(` changed their own role from ${str(d.from)} to ${str(d.to)}`)] }
        : { parts: [actor, t(' changed '), targets, t(` role from ${str(d.from)} to ${str(d.to)}`)] };
    case 'user.deactivated':
      return { parts: [actor, t(' deactivated '), target] };
    case 'user.activated':
      return { parts: [actor, t(' activated '), target] };
    case 'user.sessions_revoked':
      return { parts: [actor, t(' signed '), target, t(' out everywhere')] };
    case 'session.revoked':
      return { parts: [actor, t(' ended one of their sessions')] };
    case 'invitation.created':
      return { parts: [actor, t(' invited '), target, ...(d.role ? [t(` as ${str(d.role)}`)] : [])] };
    case 'invitation.resent':
      return d.via === 'forgot_password'
        ? { parts: [t('The invitation for '), target, t(' was sent again (forgot password)')] }
        : { parts: [actor, t(' resent the invitation for '), target] };
    case 'invitation.revoked':
      return { parts: [actor, t(' revoked the invitation for '), target] };
    case 'invitation.accepted':
      return { parts: [target, t(' accepted their invitation')] };
    case 'invitation.create':
      return { parts: [actor, t(' was not allowed to invite '), target] };
    case 'settings.changed':
      return {
        parts: [
          actor,
          t(
            ` changed the ${SETTING_LABELS[str(d.setting)] ?? str(d.setting)} from ${str(d.from)} to ${str(d.to)}`,
          ),
        ],
      };
    case 'setup.completed':
      return { parts: [target, t(' set up Gatehouse as the first admin')] };
    case 'authorization.denied':
      return { parts: [actor, t(` was denied access to ${str(d.method)} ${str(d.route)}`)] };
    default:
      return {
        parts: [
          actor,
          t(`: ${ACTION_LABELS[event.action] ?? event.action}`),
          ...(event.target.label ? [t(' — '), target] : []),
        ],
      };
  }
}
