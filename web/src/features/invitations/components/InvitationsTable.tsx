import { useRef, useState } from 'react';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Menu, MenuContent, MenuItem, MenuTrigger } from '../../../components/Menu';
import { Table } from '../../../components/Table';
import { useToast } from '../../../components/Toast';
import { MoreIcon } from '../../../components/icons';
import { formatDateTime, formatRelative, ROLE_LABELS } from '../../../lib/format';
import { useResendInvitation, useRevokeInvitation, type Invitation } from '../api';

const STATUS: Record<
  Invitation['status'],
  { label: string; tone: 'info' | 'success' | 'neutral' | 'warning' }
> = {
  pending: { label: 'Invited', tone: 'info' },
  accepted: { label: 'Accepted', tone: 'success' },
  expired: { label: 'Expired', tone: 'warning' },
  revoked: { label: 'Revoked', tone: 'neutral' },
};

/** Pending invitations, in the same shape as the users table, with Resend and Revoke per row. */
export function InvitationsTable({ invitations }: { invitations: Invitation[] }) {
  return (
    <Table label="Invitations" caption="Invitations">
      <thead>
        <tr>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col" className="col-optional">
            Invited by
          </th>
          <th scope="col" className="col-optional">
            Expires
          </th>
          <th scope="col" className="col-actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {invitations.map((invitation) => (
          <tr key={invitation.id}>
            <td>
              <div className="user-cell-text">
                <span className="user-name">{invitation.email}</span>
                {invitation.name ? <span className="user-email-inline always">{invitation.name}</span> : null}
              </div>
            </td>
            <td>{ROLE_LABELS[invitation.role]}</td>
            <td>
              <Badge tone={STATUS[invitation.status].tone}>{STATUS[invitation.status].label}</Badge>
            </td>
            <td className="col-optional">{invitation.inviter.name}</td>
            <td className="col-optional">
              <time dateTime={invitation.expiresAt} title={formatDateTime(invitation.expiresAt)}>
                {formatRelative(invitation.expiresAt)}
              </time>
            </td>
            <td className="col-actions">
              <InvitationActions invitation={invitation} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function InvitationActions({ invitation }: { invitation: Invitation }) {
  const [revoking, setRevoking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const toast = useToast();
  const changeable = invitation.status === 'pending' || invitation.status === 'expired';
  return (
    <>
      <Menu>
        <MenuTrigger
          ref={trigger}
          className="icon-button row-menu-button"
          aria-label={`Actions for ${invitation.email}`}
        >
          <MoreIcon size={18} />
        </MenuTrigger>
        <MenuContent label={`Actions for ${invitation.email}`}>
          <MenuItem
            disabled={!changeable}
            onSelect={() =>
              resend.mutate(invitation.id, {
                onSuccess: () =>
                  toast(`Invitation sent again to ${invitation.email}. The previous link no longer works.`),
                onError: (error) => toast(`${invitation.email}: ${error.message}`, 'error'),
              })
            }
          >
            Resend invitation
          </MenuItem>
          <MenuItem
            tone="danger"
            disabled={invitation.status !== 'pending'}
            onSelect={() => setRevoking(true)}
          >
            Revoke invitation
          </MenuItem>
        </MenuContent>
      </Menu>
      <Dialog
        open={revoking}
        onOpenChange={(open) => {
          setRevoking(open);
          if (!open) revoke.reset();
        }}
        title={`Revoke the invitation for ${invitation.email}?`}
        returnFocus={trigger}
      >
        <div className="form">
          <p className="dialog-text">
            The link in their email stops working at once. You can invite them again later.
          </p>
          {revoke.isError ? (
            <ErrorMessage error={revoke.error} title="The invitation was not revoked" />
          ) : null}
          <div className="dialog-actions">
            <DialogClose asChild>
              <Button>Cancel</Button>
            </DialogClose>
            <Button
              variant="danger"
              loading={revoke.isPending}
              onClick={() =>
                revoke.mutate(invitation.id, {
                  onSuccess: () => {
                    toast(`Invitation for ${invitation.email} revoked.`);
                    setRevoking(false);
                  },
                })
              }
            >
              Revoke invitation
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
