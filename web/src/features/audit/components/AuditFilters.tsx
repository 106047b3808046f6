import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { SelectField, TextField } from '../../../components/TextField';
import { i18n } from '../../../lib/i18n';
import { ACTIONS, actionLabel } from './describe-event';

export interface AuditFilterValues {
  actor: string;
  target: string;
  action: string;
  since: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterValues = { actor: '', target: '', action: '', since: '' };

/** Who did it, to whom, what, and from which day; applied together with "Apply filters". */
export function AuditFilters({
  value,
  onApply,
  problems,
}: {
  value: AuditFilterValues;
  onApply(next: AuditFilterValues): void;
  problems: Partial<Record<keyof AuditFilterValues, string>>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  const [synced, setSynced] = useState(value);
  const same = (a: AuditFilterValues, b: AuditFilterValues) =>
    a.actor === b.actor && a.target === b.target && a.action === b.action && a.since === b.since;
  if (!same(synced, value)) {
    // The URL changed (back button, link): show what is applied.
    setSynced(value);
    setDraft(value);
  }
  const set = (key: keyof AuditFilterValues) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...draft, actor: draft.actor.trim().toLowerCase(), target: draft.target.trim().toLowerCase() });
  };
  const active = Object.values(value).some(Boolean);
  return (
    <form className="filters filters-audit" onSubmit={submit} aria-label={t('audit.filters.label')}>
      <TextField
        label={t('audit.filters.actor')}
        type="search"
        placeholder={t('audit.filters.actorPlaceholder')}
        value={draft.actor}
        onChange={set('actor')}
        error={problems.actor}
        autoCapitalize="off"
        spellCheck={false}
      />
      <TextField
        label={t('audit.filters.target')}
        type="search"
        placeholder={t('audit.filters.targetPlaceholder')}
        value={draft.target}
        onChange={set('target')}
        error={problems.target}
        autoCapitalize="off"
        spellCheck={false}
      />
      <SelectField
        label={t('audit.filters.action')}
        value={draft.action}
        onChange={set('action')}
        options={[
          { value: '', label: t('audit.filters.allActions') },
          ...ACTIONS.map((value) => ({ value, label: actionLabel(value) })).sort((a, b) =>
            a.label.localeCompare(b.label, i18n.language),
          ),
        ]}
      />
      <TextField
        label={t('audit.filters.since')}
        type="date"
        value={draft.since}
        onChange={set('since')}
        max="9999-12-31"
      />
      <div className="filters-actions">
        <Button type="submit" variant="primary">
          {t('audit.filters.apply')}
        </Button>
        {active ? (
          <Button
            onClick={() => {
              setDraft(EMPTY_AUDIT_FILTERS);
              onApply(EMPTY_AUDIT_FILTERS);
            }}
          >
            {t('audit.filters.clear')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
