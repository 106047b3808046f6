import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Menu, MenuContent, MenuItem, MenuTrigger } from '../../../components/Menu';
import { Table } from '../../../components/Table';
import { useToast } from '../../../components/Toast';
import { MoreIcon } from '../../../components/icons';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime, formatRelative, roleLabel } from '../../../lib/format';
import { InvitationLinks } from './InvitationLinks';
import { useResendInvitation, useRevokeInvitation, type Invitation } from '../api';

/** Each status's tone; its words are invitations.status.<status> in the catalogue. */
const STATUS_TONE: Record<Invitation['status'], 'info' | 'success' | 'neutral' | 'warning'> = {
  pending: 'info',
  accepted: 'success',
  expired: 'warning',
  revoked: 'neutral',
};

/** Pending invitations, in the same shape as the users table, with Resend and Revoke per row. */
export function InvitationsTable({ invitations }: { invitations: Invitation[] }) {
  const { t } = useTranslation();
  return (
    <Table label={t('invitations.table')} caption={t('invitations.table')}>
      <thead>
        <tr>
          <th scope="col">{t('users.email')}</th>
          <th scope="col">{t('users.role')}</th>
          <th scope="col">{t('users.status.label')}</th>
          <th scope="col" className="col-optional">
            {t('invitations.invitedBy')}
          </th>
          <th scope="col" className="col-optional">
            {t('invitations.expires')}
          </th>
          <th scope="col" className="col-actions">
            <span className="visually-hidden">{t('users.actionsColumn')}</span>
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
            <td>{roleLabel(invitation.role)}</td>
            <td>
              <Badge tone={STATUS_TONE[invitation.status]}>
                {t(`invitations.status.${invitation.status}`)}
              </Badge>
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
  const { t } = useTranslation();
  const [revoking, setRevoking] = useState(false);
  const [copying, setCopying] = useState(false);
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
          aria-label={t('users.actions.label', { name: invitation.email })}
        >
          <MoreIcon size={18} />
        </MenuTrigger>
        <MenuContent label={t('users.actions.label', { name: invitation.email })}>
          <MenuItem
            disabled={!changeable}
            onSelect={() =>
              resend.mutate(invitation.id, {
                onSuccess: () => toast(t('invitations.resent', { email: invitation.email })),
                onError: (error) =>
                  toast(
                    t('invitations.resendFailed', { email: invitation.email, message: errorMessage(error) }),
                    'error',
                  ),
              })
            }
          >
            {t('invitations.resend')}
          </MenuItem>
          <MenuItem disabled={invitation.status !== 'pending'} onSelect={() => setCopying(true)}>
            {t('invitations.links.menu')}
          </MenuItem>
          <MenuItem
            tone="danger"
            disabled={invitation.status !== 'pending'}
            onSelect={() => setRevoking(true)}
          >
            {t('invitations.revoke')}
          </MenuItem>
        </MenuContent>
      </Menu>
      <Dialog
        open={copying}
        onOpenChange={setCopying}
        title={t('invitations.links.title', { email: invitation.email })}
        returnFocus={trigger}
        footer={
          <DialogClose asChild>
            <Button>{t('common.close')}</Button>
          </DialogClose>
        }
      >
        {copying ? <InvitationLinks ids={[invitation.id]} /> : null}
      </Dialog>
      <Dialog
        open={revoking}
        onOpenChange={(open) => {
          setRevoking(open);
          if (!open) revoke.reset();
        }}
        title={t('invitations.revokeTitle', { email: invitation.email })}
        returnFocus={trigger}
      >
        <div className="form">
          <p className="dialog-text">{t('invitations.revokeBody')}</p>
          {revoke.isError ? (
            <ErrorMessage error={revoke.error} title={t('invitations.revokeFailed')} />
          ) : null}
          <div className="dialog-actions">
            <DialogClose asChild>
              <Button>{t('common.cancel')}</Button>
            </DialogClose>
            <Button
              variant="danger"
              loading={revoke.isPending}
              onClick={() =>
                revoke.mutate(invitation.id, {
                  onSuccess: () => {
                    toast(t('invitations.revoked', { email: invitation.email }));
                    setRevoking(false);
                  },
                })
              }
            >
              {t('invitations.revoke')}
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
