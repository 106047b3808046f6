import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Spinner';
import { TokenList } from '../../../components/TokenList';
import { useToast } from '../../../components/Toast';
import { useMyTokens, useRevokeMyToken } from '../api';

/** Your API tokens: what each is, when it was last used; revoke any you no longer use or don't recognise. */
export function MyTokensList() {
  const { t } = useTranslation();
  const tokens = useMyTokens();
  const revoke = useRevokeMyToken();
  const toast = useToast();

  if (tokens.isPending) return <Loading label={t('tokens.loading')} />;
  if (tokens.isError) return <ErrorMessage error={tokens.error} onRetry={() => void tokens.refetch()} />;
  return (
    <>
      {revoke.isError ? <ErrorMessage error={revoke.error} title={t('tokens.revokeFailed')} /> : null}
      <TokenList
        tokens={tokens.data.items}
        emptyTitle={t('tokens.empty')}
        revoking={revoke.isPending ? (revoke.variables ?? null) : null}
        onRevoke={(token) =>
          revoke.mutate(token.id, { onSuccess: () => toast(t('tokens.revoked', { name: token.name })) })
        }
      />
    </>
  );
}
