import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Card } from '../../../components/Page';
import { Loading } from '../../../components/Spinner';
import { useConnectedApps, useDisconnectApp } from '../api';

/** My account: the apps I signed in to with Gatehouse; disconnecting ends their access at once. */
export function ConnectedAppsCard() {
  const { t } = useTranslation();
  const apps = useConnectedApps();
  const disconnect = useDisconnectApp();
  return (
    <Card title={t('oidc.apps.connected.title')} description={t('oidc.apps.connected.description')}>
      {apps.isPending ? (
        <Loading />
      ) : apps.isError ? (
        <ErrorMessage error={apps.error} />
      ) : apps.data.items.length === 0 ? (
        <p>{t('oidc.apps.connected.none')}</p>
      ) : (
        <ul className="stack">
          {apps.data.items.map((app) => (
            <li key={app.id}>
              {app.name}{' '}
              <Button
                size="sm"
                variant="danger"
                loading={disconnect.isPending}
                onClick={() => disconnect.mutate(app.id)}
              >
                {t('oidc.apps.connected.disconnect')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {disconnect.isError ? <ErrorMessage error={disconnect.error} /> : null}
    </Card>
  );
}
