import { useRef, useState, type RefObject } from 'react';
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from '../../../components/Menu';
import { useToast } from '../../../components/Toast';
import { MoreIcon } from '../../../components/icons';
import type { User } from '../../../lib/api';
import { useEndUserSessions, useSetUserStatus } from '../api';
import { ChangeRoleDialog } from './ChangeRoleDialog';
import { ConfirmActionDialog } from './ConfirmActionDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';

type Action = 'reset' | 'role' | 'status' | 'sessions' | null;

/** The ⋮ menu of a user row, and the dialogs its items open. */
export function UserActions({ user }: { user: User }) {
  const [action, setAction] = useState<Action>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = (open: boolean) => {
    if (!open) setAction(null);
  };
  const deactivating = user.status === 'active';
  return (
    <>
      <Menu>
        <MenuTrigger
          ref={trigger}
          className="icon-button row-menu-button"
          aria-label={`Actions for ${user.name}`}
        >
          <MoreIcon size={18} />
        </MenuTrigger>
        <MenuContent label={`Actions for ${user.name}`}>
          <MenuItem onSelect={() => setAction('reset')}>Reset password</MenuItem>
          <MenuItem onSelect={() => setAction('role')}>Change role</MenuItem>
          <MenuItem onSelect={() => setAction('sessions')}>Sign out everywhere</MenuItem>
          <MenuSeparator />
          <MenuItem tone={deactivating ? 'danger' : 'default'} onSelect={() => setAction('status')}>
            {deactivating ? 'Deactivate' : 'Activate'}
          </MenuItem>
        </MenuContent>
      </Menu>
      <ResetPasswordDialog user={user} open={action === 'reset'} onOpenChange={close} returnFocus={trigger} />
      <ChangeRoleDialog user={user} open={action === 'role'} onOpenChange={close} returnFocus={trigger} />
      {action === 'status' ? <StatusDialog user={user} onOpenChange={close} returnFocus={trigger} /> : null}
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
  const setStatus = useSetUserStatus();
  const toast = useToast();
  const deactivating = user.status === 'active';
  return (
    <ConfirmActionDialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={deactivating ? `Deactivate ${user.name}?` : `Activate ${user.name}?`}
      confirmLabel={deactivating ? 'Deactivate' : 'Activate'}
      tone={deactivating ? 'danger' : 'primary'}
      pending={setStatus.isPending}
      error={setStatus.error}
      errorTitle={deactivating ? 'The user was not deactivated' : 'The user was not activated'}
      onConfirm={() =>
        setStatus.mutate(
          { id: user.id, active: !deactivating },
          {
            onSuccess: () => {
              toast(deactivating ? `${user.name} was deactivated.` : `${user.name} was activated.`);
              onOpenChange(false);
            },
          },
        )
      }
    >
      {deactivating ? (
        <ul>
          <li>{user.name} is signed out everywhere at once and cannot sign in until activated again.</li>
          <li>Reset links sent to them stop working.</li>
          <li>They get an email about it.</li>
        </ul>
      ) : (
        <p>{user.name} can sign in again with their current password.</p>
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
  const endSessions = useEndUserSessions();
  const toast = useToast();
  return (
    <ConfirmActionDialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={`Sign ${user.name} out everywhere?`}
      confirmLabel="Sign out everywhere"
      pending={endSessions.isPending}
      error={endSessions.error}
      onConfirm={() =>
        endSessions.mutate(
          { id: user.id },
          {
            onSuccess: ({ sessionsEnded }) => {
              toast(
                sessionsEnded === 0
                  ? `${user.name} had no active sessions.`
                  : `${user.name} was signed out of ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'}.`,
              );
              onOpenChange(false);
            },
          },
        )
      }
    >
      <p>
        Every session of {user.name} ends now: they must sign in again on each device. Their password does not
        change.
      </p>
    </ConfirmActionDialog>
  );
}
