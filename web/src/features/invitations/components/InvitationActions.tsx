import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Menu, MenuContent, MenuItem, MenuTrigger } from '../../../components/Menu';
import { useToast } from '../../../components/Toast';
import { MoreIcon } from '../../../components/icons';
import { errorMessage } from '../../../lib/errors';
import { InvitationLinks } from './InvitationLinks';
import { useResendInvitation, useRevokeInvitation, type Invitation } from '../api';

/** An invitation row's ⋮ menu: resend, copy link, revoke (also used by Manage users' list of people). */
export function InvitationActions({ invitation }: { invitation: Invitation }) {
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
