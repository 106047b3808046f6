import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Spinner';
import { TokenList } from '../../../components/TokenList';
import { useToast } from '../../../components/Toast';
import type { User } from '../../../lib/api';
import { useRevokeUserToken, useUserTokens } from '../api';

/** The admin's view of a user's API tokens (SEC-TOK-01): what exists, when it was used, revoke any. */
export function UserTokensDialog({
  user,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  const tokens = useUserTokens(user.id);
  const revoke = useRevokeUserToken(user.id);
  const toast = useToast();
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      size="lg"
      title={t('tokens.userTitle', { name: user.name })}
      description={t('tokens.userDescription')}
      footer={
        <DialogClose asChild>
          <Button>{t('common.close')}</Button>
        </DialogClose>
      }
    >
      {revoke.isError ? <ErrorMessage error={revoke.error} title={t('tokens.revokeFailed')} /> : null}
      {tokens.isPending ? (
        <Loading label={t('tokens.loadingUser')} />
      ) : tokens.isError ? (
        <ErrorMessage error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <TokenList
          tokens={tokens.data.items}
          emptyTitle={t('tokens.emptyUser', { name: user.name })}
          revoking={revoke.isPending ? (revoke.variables ?? null) : null}
          onRevoke={(token) =>
            revoke.mutate(token.id, { onSuccess: () => toast(t('tokens.revoked', { name: token.name })) })
          }
        />
      )}
    </Dialog>
  );
}
