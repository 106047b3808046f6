import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Page';
import { Loading } from '../../components/Spinner';
import { useSettings } from '../../features/settings/api';
import { SettingsForm } from '../../features/settings/components/SettingsForm';

export function SettingsPage() {
  const settings = useSettings();
  return (
    <>
      <PageHeader
        title="Settings"
        description="Organization-wide settings. Every change is recorded in the audit log."
      />
      {settings.isPending ? (
        <Loading label="Loading settings…" />
      ) : settings.isError ? (
        <ErrorMessage
          error={settings.error}
          title="Settings could not be loaded"
          onRetry={() => void settings.refetch()}
        />
      ) : (
        <SettingsForm settings={settings.data} />
      )}
    </>
  );
}
