import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Page';
import { Loading } from '../../components/Spinner';
import { useSettings } from '../../features/settings/api';
import { SecurityPolicyForm } from '../../features/settings/components/SecurityPolicyForm';
import { SettingsForm } from '../../features/settings/components/SettingsForm';
import { MailSettingsCard } from '../../features/mail/components/MailSettingsCard';

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useSettings();
  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {settings.isPending ? (
        <Loading label={t('settings.loading')} />
      ) : settings.isError ? (
        <ErrorMessage
          error={settings.error}
          title={t('settings.loadFailed')}
          onRetry={() => void settings.refetch()}
        />
      ) : (
        <div className="stack">
          <SettingsForm settings={settings.data} />
          <SecurityPolicyForm policy={settings.data.mfaPolicy} />
          <MailSettingsCard />
        </div>
      )}
    </>
  );
}
