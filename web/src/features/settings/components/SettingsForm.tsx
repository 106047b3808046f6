import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Card } from '../../../components/Page';
import { SelectField, TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { ResponseOf } from '../../../lib/api';
import { useUpdateSettings } from '../api';
import { SettingSourceNote } from './SettingSourceNote';

type Settings = ResponseOf<'/api/v1/settings', 'get'>;
type NumberKey =
  'passwordMinLength' | 'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'temporaryPasswordHours' | LinkKey;
type LinkKey = 'selfResetLinkMinutes' | 'adminResetLinkHours' | 'invitationLinkHours';

/** Each field's label and hint are settings.fields.<key> and settings.fields.<key>Hint in the catalogue. */
const NUMBER_FIELDS: Array<{ key: NumberKey; min: number; max: number }> = [
  { key: 'passwordMinLength', min: 8, max: 256 },
  { key: 'sessionIdleMinutes', min: 1, max: 1440 },
  { key: 'sessionAbsoluteHours', min: 1, max: 720 },
  { key: 'temporaryPasswordHours', min: 1, max: 720 },
];

/** Link lifetimes (issue 14): labels and hints are settingsSource.fields.<key>[Hint]. */
const LINK_FIELDS: Array<{ key: LinkKey; min: number; max: number }> = [
  { key: 'selfResetLinkMinutes', min: 5, max: 120 },
  { key: 'adminResetLinkHours', min: 1, max: 168 },
  { key: 'invitationLinkHours', min: 1, max: 720 },
];
const ALL_NUMBER_FIELDS = [...NUMBER_FIELDS, ...LINK_FIELDS];

/** The organization settings; only changed values are sent, and each change is audited old → new. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(() => ({
    organizationName: settings.organizationName,
    defaultLocale: settings.defaultLocale,
    membersMayInvite: settings.membersMayInvite,
    logoUrl: settings.logoUrl ?? '',
    numbers: Object.fromEntries(ALL_NUMBER_FIELDS.map((f) => [f.key, String(settings[f.key])])) as Record<
      NumberKey,
      string
    >,
  }));
  const update = useUpdateSettings();
  const toast = useToast();

  const changes: Record<string, unknown> = {};
  if (draft.organizationName.trim() !== settings.organizationName)
    changes.organizationName = draft.organizationName.trim();
  if (draft.defaultLocale !== settings.defaultLocale) changes.defaultLocale = draft.defaultLocale;
  if (draft.membersMayInvite !== settings.membersMayInvite) changes.membersMayInvite = draft.membersMayInvite;
  if (draft.logoUrl.trim() !== (settings.logoUrl ?? '')) changes.logoUrl = draft.logoUrl.trim() || null;
  for (const f of ALL_NUMBER_FIELDS) {
    const n = Number(draft.numbers[f.key]);
    if (draft.numbers[f.key] !== '' && n !== settings[f.key]) changes[f.key] = n;
  }
  const dirty = Object.keys(changes).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty) return;
    update.mutate(changes as Parameters<typeof update.mutate>[0], {
      onSuccess: () => toast(t('settings.saved')),
    });
  };

  return (
    <form className="stack" onSubmit={submit} aria-label={t('settings.formLabel')}>
      <p className="muted">{t('settingsSource.overrideNote')}</p>
      <Card title={t('settings.organization')} description={t('settings.organizationDescription')}>
        <div className="form">
          <TextField
            label={t('settings.organizationName')}
            hint={<SettingSourceNote settings={settings} setting="organizationName" />}
            required
            maxLength={200}
            value={draft.organizationName}
            onChange={(e) => setDraft((d) => ({ ...d, organizationName: e.target.value }))}
          />
          <TextField
            label={t('settingsSource.fields.logoUrl')}
            hint={
              <>
                {t('settingsSource.fields.logoUrlHint')}{' '}
                <SettingSourceNote settings={settings} setting="logoUrl" />
              </>
            }
            type="url"
            maxLength={2048}
            value={draft.logoUrl}
            onChange={(e) => setDraft((d) => ({ ...d, logoUrl: e.target.value }))}
          />
          <SelectField
            label={t('settings.defaultLanguage')}
            hint={
              <>
                {t('settings.defaultLanguageHint')}{' '}
                <SettingSourceNote settings={settings} setting="defaultLocale" />
              </>
            }
            value={draft.defaultLocale}
            onChange={(e) => setDraft((d) => ({ ...d, defaultLocale: e.target.value }))}
            options={[
              { value: 'en', label: t('languages.en') },
              { value: 'fr', label: t('languages.fr') },
            ]}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.membersMayInvite}
              onChange={(e) => setDraft((d) => ({ ...d, membersMayInvite: e.target.checked }))}
            />
            <span>
              <span className="checkbox-title">{t('settings.membersMayInvite')}</span>
              <span className="field-hint">
                {t('settings.membersMayInviteHint')}{' '}
                <SettingSourceNote settings={settings} setting="membersMayInvite" />
              </span>
            </span>
          </label>
        </div>
      </Card>
      <Card title={t('settings.passwordsAndSessions')}>
        <div className="form form-grid">
          {NUMBER_FIELDS.map((f) => (
            <TextField
              key={f.key}
              label={t(`settings.fields.${f.key}`)}
              hint={
                <>
                  {t(`settings.fields.${f.key}Hint`)}{' '}
                  <SettingSourceNote settings={settings} setting={f.key} />
                </>
              }
              type="number"
              inputMode="numeric"
              required
              min={f.min}
              max={f.max}
              step={1}
              value={draft.numbers[f.key]}
              onChange={(e) =>
                setDraft((d) => ({ ...d, numbers: { ...d.numbers, [f.key]: e.target.value } }))
              }
            />
          ))}
        </div>
      </Card>
      <Card title={t('settingsSource.links')} description={t('settingsSource.linksDescription')}>
        <div className="form form-grid">
          {LINK_FIELDS.map((f) => (
            <TextField
              key={f.key}
              label={t(`settingsSource.fields.${f.key}`)}
              hint={
                <>
                  {t(`settingsSource.fields.${f.key}Hint`)}{' '}
                  <SettingSourceNote settings={settings} setting={f.key} />
                </>
              }
              type="number"
              inputMode="numeric"
              required
              min={f.min}
              max={f.max}
              step={1}
              value={draft.numbers[f.key]}
              onChange={(e) =>
                setDraft((d) => ({ ...d, numbers: { ...d.numbers, [f.key]: e.target.value } }))
              }
            />
          ))}
        </div>
      </Card>
      {update.isError ? <ErrorMessage error={update.error} title={t('settings.saveFailed')} /> : null}
      <div className="form-actions sticky-actions">
        <Button type="submit" variant="primary" loading={update.isPending} disabled={!dirty}>
          {t('settings.save')}
        </Button>
      </div>
    </form>
  );
}
