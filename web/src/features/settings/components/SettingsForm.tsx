import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Card } from '../../../components/Page';
import { SelectField, TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { ResponseOf } from '../../../lib/api';
import { useUpdateSettings } from '../api';

type Settings = ResponseOf<'/api/v1/settings', 'get'>;
type NumberKey =
  'passwordMinLength' | 'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'temporaryPasswordHours';

const NUMBER_FIELDS: Array<{ key: NumberKey; label: string; hint: string; min: number; max: number }> = [
  {
    key: 'passwordMinLength',
    label: 'Minimum password length',
    hint: 'Characters. 15 or more is recommended; at least 8.',
    min: 8,
    max: 256,
  },
  {
    key: 'sessionIdleMinutes',
    label: 'Sign out after inactivity',
    hint: 'Minutes without activity before a session ends.',
    min: 1,
    max: 1440,
  },
  {
    key: 'sessionAbsoluteHours',
    label: 'Maximum session length',
    hint: 'Hours after sign-in when a session ends, active or not.',
    min: 1,
    max: 720,
  },
  {
    key: 'temporaryPasswordHours',
    label: 'Temporary password lifetime',
    hint: 'Hours. Applies to passwords set by an admin.',
    min: 1,
    max: 720,
  },
];

/** The organization settings; only changed values are sent, and each change is audited old → new. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const [draft, setDraft] = useState(() => ({
    organizationName: settings.organizationName,
    defaultLocale: settings.defaultLocale,
    membersMayInvite: settings.membersMayInvite,
    numbers: Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, String(settings[f.key])])) as Record<
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
  for (const f of NUMBER_FIELDS) {
    const n = Number(draft.numbers[f.key]);
    if (draft.numbers[f.key] !== '' && n !== settings[f.key]) changes[f.key] = n;
  }
  const dirty = Object.keys(changes).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty) return;
    update.mutate(changes as Parameters<typeof update.mutate>[0], {
      onSuccess: () => toast('Settings saved.'),
    });
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Organization settings">
      <Card title="Organization" description="Shown in emails and on the invitation page.">
        <div className="form">
          <TextField
            label="Organization name"
            required
            maxLength={200}
            value={draft.organizationName}
            onChange={(e) => setDraft((d) => ({ ...d, organizationName: e.target.value }))}
          />
          <SelectField
            label="Default language"
            hint="For emails to people who have not chosen a language."
            value={draft.defaultLocale}
            onChange={(e) => setDraft((d) => ({ ...d, defaultLocale: e.target.value }))}
            options={[
              { value: 'en', label: 'English' },
              { value: 'fr', label: 'Français' },
            ]}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.membersMayInvite}
              onChange={(e) => setDraft((d) => ({ ...d, membersMayInvite: e.target.checked }))}
            />
            <span>
              <span className="checkbox-title">Members may invite people</span>
              <span className="field-hint">Admins can always invite.</span>
            </span>
          </label>
        </div>
      </Card>
      <Card title="Passwords and sessions">
        <div className="form form-grid">
          {NUMBER_FIELDS.map((f) => (
            <TextField
              key={f.key}
              label={f.label}
              hint={f.hint}
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
      {update.isError ? <ErrorMessage error={update.error} title="The settings were not saved" /> : null}
      <div className="form-actions sticky-actions">
        <Button type="submit" variant="primary" loading={update.isPending} disabled={!dirty}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
