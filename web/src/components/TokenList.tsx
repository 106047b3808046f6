import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../lib/api';
import { formatDateTime, formatRelative } from '../lib/format';
import { Button } from './Button';
import { EmptyState } from './EmptyState';

/**
 * API tokens as a list (SEC-TOK-01): name, the prefix that tells them apart, created, last used,
 * expiry; each revocable. Never the secret: the server keeps only its hash. Shared by My account
 * and the admin's view of a user, which each bring their own data and revoke call.
 */
export function TokenList({
  tokens,
  revoking,
  onRevoke,
  emptyTitle,
}: {
  tokens: ApiToken[];
  /** The id of the token being revoked, if any. */
  revoking: string | null;
  onRevoke(token: ApiToken): void;
  emptyTitle: string;
}) {
  const { t } = useTranslation();
  if (tokens.length === 0) return <EmptyState title={emptyTitle} />;
  return (
    <ul className="session-list" aria-label={t('tokens.list')}>
      {tokens.map((token) => (
        <li key={token.id} className="session-item">
          <div>
            <p className="session-device">
              {token.name} <code className="token-prefix">{token.prefix}…</code>
            </p>
            <p className="session-meta">
              {t('tokens.created', { when: formatDateTime(token.createdAt) })} · {t('tokens.lastUsed')}{' '}
              {token.lastUsedAt ? (
                <time dateTime={token.lastUsedAt} title={formatDateTime(token.lastUsedAt)}>
                  {formatRelative(token.lastUsedAt)}
                </time>
              ) : (
                t('tokens.neverUsed')
              )}{' '}
              ·{' '}
              {token.expiresAt
                ? t('tokens.expires', { when: formatDateTime(token.expiresAt) })
                : t('tokens.noExpiry')}
            </p>
          </div>
          <Button
            size="sm"
            loading={revoking === token.id}
            aria-label={t('tokens.revokeLabel', { name: token.name, prefix: token.prefix })}
            onClick={() => onRevoke(token)}
          >
            {t('tokens.revoke')}
          </Button>
        </li>
      ))}
    </ul>
  );
}
