import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Card, PageHeader } from '../../components/Page';
import { Loading } from '../../components/Spinner';
import { useApps } from '../../features/apps/api';
import { AppsTable } from '../../features/apps/components/AppsTable';
import { CreateAppForm } from '../../features/apps/components/CreateAppForm';
import { EditAppForm } from '../../features/apps/components/EditAppForm';

/** Apps (issue 12): the apps that sign people in with Gatehouse. */
export function AppsPage() {
  const { t } = useTranslation();
  const apps = useApps();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const edited = apps.data?.items.find((app) => app.id === editing);
  return (
    <>
      <PageHeader
        title={t('oidc.apps.title')}
        description={t('oidc.apps.description')}
        actions={
          creating ? null : (
            <Button
              variant="primary"
              onClick={() => {
                setEditing(null);
                setCreating(true);
              }}
            >
              {t('oidc.apps.add')}
            </Button>
          )
        }
      />
      {apps.isPending ? (
        <Loading />
      ) : apps.isError ? (
        <ErrorMessage error={apps.error} onRetry={() => void apps.refetch()} />
      ) : (
        <>
          {creating ? (
            <Card title={t('oidc.apps.add')}>
              <CreateAppForm issuer={apps.data.issuer} onDone={() => setCreating(false)} />
            </Card>
          ) : null}
          {edited ? (
            <Card title={t('oidc.apps.edit.title', { name: edited.name })}>
              <EditAppForm key={edited.id} app={edited} onDone={() => setEditing(null)} />
            </Card>
          ) : null}
          {apps.data.items.length === 0 ? (
            <EmptyState title={t('oidc.apps.empty')} />
          ) : (
            <AppsTable
              apps={apps.data.items}
              onEdit={(id) => {
                setCreating(false);
                setEditing(id);
              }}
            />
          )}
        </>
      )}
    </>
  );
}
