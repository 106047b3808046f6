import { useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '../../../components/Menu';
import { useToast } from '../../../components/Toast';
import { MoreIcon } from '../../../components/icons';
import type { User } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { useEndUserSessions, useSetUserStatus, useUnlockUser } from '../api';
import { ChangeRoleDialog } from './ChangeRoleDialog';
import { ConfirmActionDialog } from './ConfirmActionDialog';
import { DeleteUserDialog } from './DeleteUserDialog';
import { ChangeEmailDialog, RenameDialog } from './EditUserDialogs';
import { ResetAccessDialog } from './ResetAccessDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { UserTokensDialog } from './UserTokensDialog';

type Action =
  | 'reset'
  | 'access'
  | 'role'
  | 'status'
  | 'sessions'
  | 'tokens'
  | 'rename'
  | 'email'
  | 'delete'
  | 'unlock'
  | null;

/** The ⋮ menu of a user row (and of the user page), and the dialogs its items open. */
export function UserActions({
  user,
  onDeleted = () => undefined,
  label,
  currentUserId,
}: {
  user: User;
  /** The signed-in admin: on their own row, Reset password and Deactivate point to My account instead. */
  currentUserId?: string | undefined;
  /** After a deletion: the list refreshes by itself; the user page goes back to the list. */
  onDeleted?: () => void;
  /** The trigger's visible text (the user page shows "Actions"); the row's is an icon. */
  label?: string;
}) {
  const { t } = useTranslation();
  const [action, setAction] = useState<Action>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = (open: boolean) => {
    if (!open) setAction(null);
  };
  const deactivating = user.status === 'active';
  const self = user.id === currentUserId;
  const navigate = useNavigate();
  return (
    <>
      <Menu>
        <MenuTrigger
          ref={trigger}
          className={label ? 'btn btn-secondary' : 'icon-button row-menu-button'}
          aria-label={t('users.actions.label', { name: user.name })}
        >
          {label ?? null}
          <MoreIcon size={18} />
        </MenuTrigger>
        <MenuContent label={t('users.actions.label', { name: user.name })}>
          <MenuItem disabled={self} onSelect={() => setAction('reset')}>
            {t('users.actions.resetPassword')}
          </MenuItem>
          <MenuItem onSelect={() => setAction('access')}>{t('userlist.resetAccess.menu')}</MenuItem>
          <MenuItem onSelect={() => setAction('role')}>{t('users.actions.changeRole')}</MenuItem>
          <MenuItem onSelect={() => setAction('sessions')}>{t('users.actions.signOutEverywhere')}</MenuItem>
          <MenuItem onSelect={() => setAction('tokens')}>{t('users.actions.apiTokens')}</MenuItem>
          {user.lockedUntil ? (
            <MenuItem onSelect={() => setAction('unlock')}>{t('lock.unlock')}</MenuItem>
          ) : null}
          <MenuSeparator />
          <MenuItem onSelect={() => setAction('rename')}>{t('editUser.rename')}</MenuItem>
          <MenuItem onSelect={() => setAction('email')}>{t('editUser.changeEmail')}</MenuItem>
          <MenuSeparator />
          <MenuItem
            tone={deactivating ? 'danger' : 'default'}
            disabled={self}
            onSelect={() => setAction('status')}
          >
            {deactivating ? t('users.actions.deactivate') : t('users.actions.activate')}
          </MenuItem>
          <MenuItem tone="danger" onSelect={() => setAction('delete')}>
            {t('deleteUser.menu')}
          </MenuItem>
          {self ? (
            <>
              <MenuSeparator />
              <MenuLabel>
                <span className="own-account-note">{t('userlist.own.reason')}</span>
              </MenuLabel>
              <MenuItem onSelect={() => void navigate('/account')}>{t('userlist.own.link')}</MenuItem>
            </>
          ) : null}
        </MenuContent>
      </Menu>
      <ResetPasswordDialog user={user} open={action === 'reset'} onOpenChange={close} returnFocus={trigger} />
      {action === 'access' ? (
        <ResetAccessDialog user={user} onOpenChange={close} returnFocus={trigger} />
      ) : null}
      <ChangeRoleDialog user={user} open={action === 'role'} onOpenChange={close} returnFocus={trigger} />
      {action === 'status' ? <StatusDialog user={user} onOpenChange={close} returnFocus={trigger} /> : null}
      {action === 'tokens' ? (
        <UserTokensDialog user={user} onOpenChange={close} returnFocus={trigger} />
      ) : null}
      {action === 'rename' ? <RenameDialog user={user} onOpenChange={close} returnFocus={trigger} /> : null}
      {action === 'email' ? (
        <ChangeEmailDialog user={user} onOpenChange={close} returnFocus={trigger} />
      ) : null}
      {action === 'unlock' ? <UnlockDialog user={user} onOpenChange={close} returnFocus={trigger} /> : null}
      {action === 'delete' ? (
        <DeleteUserDialog
          user={user}
          onOpenChange={close}
          returnFocus={trigger}
          onDeleted={() => {
            setAction(null);
            onDeleted();
          }}
        />
      ) : null}
      {action === 'sessions' ? (
        <SignOutEverywhereDialog user={user} onOpenChange={close} returnFocus={trigger} />
      ) : null}
    </>
  );
}

function StatusDialog({
  user,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  const setStatus = useSetUserStatus();
  const toast = useToast();
  const deactivating = user.status === 'active';
  return (
    <ConfirmActionDialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t(deactivating ? 'users.status.deactivateTitle' : 'users.status.activateTitle', {
        name: user.name,
      })}
      confirmLabel={deactivating ? t('users.actions.deactivate') : t('users.actions.activate')}
      tone={deactivating ? 'danger' : 'primary'}
      pending={setStatus.isPending}
      error={setStatus.error}
      errorTitle={deactivating ? t('users.status.deactivateFailed') : t('users.status.activateFailed')}
      onConfirm={() =>
        setStatus.mutate(
          { id: user.id, active: !deactivating },
          {
            onSuccess: () => {
              toast(
                t(deactivating ? 'users.status.deactivated' : 'users.status.activated', { name: user.name }),
              );
              onOpenChange(false);
            },
          },
        )
      }
    >
      {deactivating ? (
        <ul>
          <li>{t('users.status.deactivateSignedOut', { name: user.name })}</li>
          <li>{t('users.status.deactivateLinks')}</li>
          <li>{t('users.status.deactivateInvitations')}</li>
          <li>{t('users.status.deactivateEmail')}</li>
        </ul>
      ) : (
        <p>{t('users.status.activateBody', { name: user.name })}</p>
      )}
    </ConfirmActionDialog>
  );
}

function SignOutEverywhereDialog({
  user,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  const endSessions = useEndUserSessions();
  const toast = useToast();
  return (
    <ConfirmActionDialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t('users.sessions.title', { name: user.name })}
      confirmLabel={t('users.actions.signOutEverywhere')}
      pending={endSessions.isPending}
      error={endSessions.error}
      onConfirm={() =>
        endSessions.mutate(
          { id: user.id },
          {
            onSuccess: ({ sessionsEnded, tokensRevoked }) => {
              toast(
                sessionsEnded === 0 && tokensRevoked === 0
                  ? t('users.sessions.none', { name: user.name })
                  : `${t('users.sessions.ended', { name: user.name, count: sessionsEnded })} ${t('users.sessions.tokensRevoked', { count: tokensRevoked })}`,
              );
              onOpenChange(false);
            },
          },
        )
      }
    >
      <ul>
        <li>{t('users.sessions.body', { name: user.name })}</li>
        <li>{t('users.sessions.bodyTokens')}</li>
        <li>{t('users.sessions.bodyPassword')}</li>
      </ul>
    </ConfirmActionDialog>
  );
}

/** Unlock: lifts a sign-in lockout before it runs out (SEC-BF-03). */
export function UnlockDialog({
  user,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus?: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  const unlock = useUnlockUser();
  const toast = useToast();
  return (
    <ConfirmActionDialog
      open
      onOpenChange={onOpenChange}
      {...(returnFocus ? { returnFocus } : {})}
      title={t('lock.title', { name: user.name })}
      confirmLabel={t('lock.unlock')}
      pending={unlock.isPending}
      error={unlock.error}
      onConfirm={() =>
        unlock.mutate(
          { id: user.id },
          {
            onSuccess: () => {
              toast(t('lock.done', { name: user.name }));
              onOpenChange(false);
            },
          },
        )
      }
    >
      <p>
        {t('lock.body', {
          name: user.name,
          until: user.lockedUntil ? formatDateTime(user.lockedUntil) : '',
        })}
      </p>
    </ConfirmActionDialog>
  );
}
