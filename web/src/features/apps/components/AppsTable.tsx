import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Table } from '../../../components/Table';
import { useRotateSecret, useSetAppDisabled, type RegisteredApp } from '../api';

/** The registered apps: client id, type, roles; edit; disable or enable; a new secret (shown once). */
export function AppsTable({ apps, onEdit }: { apps: RegisteredApp[]; onEdit: (id: string) => void }) {
  const { t } = useTranslation();
  const setDisabled = useSetAppDisabled();
  const rotate = useRotateSecret();
  const [rotated, setRotated] = useState<{ id: string; secret: string } | null>(null);
  return (
    <>
      {setDisabled.isError ? <ErrorMessage error={setDisabled.error} /> : null}
      {rotate.isError ? <ErrorMessage error={rotate.error} /> : null}
      {rotated ? (
        <div className="stack">
          <CopyField label={t('oidc.apps.newSecret')} value={rotated.secret} monospace />
          <p>{t('oidc.apps.secretOnce')}</p>
        </div>
      ) : null}
      <Table label={t('oidc.apps.title')}>
        <thead>
          <tr>
            <th scope="col">{t('oidc.apps.name')}</th>
            <th scope="col">{t('oidc.apps.clientId')}</th>
            <th scope="col">{t('oidc.apps.type')}</th>
            <th scope="col">{t('oidc.apps.allowedRoles')}</th>
            <th scope="col">{t('oidc.apps.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {apps.map((app) => (
            <tr key={app.id}>
              <td>
                {app.name} {app.disabled ? <Badge tone="warning">{t('oidc.apps.disabled')}</Badge> : null}
                {app.firstParty ? <Badge tone="info">{t('oidc.apps.firstPartyBadge')}</Badge> : null}
              </td>
              <td className="mono">{app.clientId}</td>
              <td>{t(`oidc.apps.types.${app.type}`)}</td>
              <td>{app.allowedRoles.map((role) => t(`roles.${role}`)).join(', ')}</td>
              <td>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`${t('oidc.apps.edit.action')}: ${app.name}`}
                  onClick={() => onEdit(app.id)}
                >
                  {t('oidc.apps.edit.action')}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setDisabled.mutate({ id: app.id, disabled: !app.disabled })}
                >
                  {app.disabled ? t('oidc.apps.enable') : t('oidc.apps.disable')}
                </Button>
                {app.hasSecret ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() =>
                      rotate.mutate(
                        { id: app.id, overlapHours: 24 },
                        { onSuccess: ({ clientSecret }) => setRotated({ id: app.id, secret: clientSecret }) },
                      )
                    }
                  >
                    {t('oidc.apps.rotateSecret')}
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
