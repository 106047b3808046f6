import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { SelectField, TextField } from '../../../components/TextField';
import { ACTION_LABELS } from './describe-event';

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
    <form className="filters filters-audit" onSubmit={submit} aria-label="Filter audit events">
      <TextField
        label="Actor email"
        type="search"
        placeholder="Who did it"
        value={draft.actor}
        onChange={set('actor')}
        error={problems.actor}
        autoCapitalize="off"
        spellCheck={false}
      />
      <TextField
        label="Target email"
        type="search"
        placeholder="Whom it concerned"
        value={draft.target}
        onChange={set('target')}
        error={problems.target}
        autoCapitalize="off"
        spellCheck={false}
      />
      <SelectField
        label="Action"
        value={draft.action}
        onChange={set('action')}
        options={[
          { value: '', label: 'All actions' },
          ...Object.entries(ACTION_LABELS)
            .map(([value, label]) => ({ value, label }))
            .sort((a, b) => a.label.localeCompare(b.label)),
        ]}
      />
      <TextField label="Since" type="date" value={draft.since} onChange={set('since')} max="9999-12-31" />
      <div className="filters-actions">
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        {active ? (
          <Button
            onClick={() => {
              setDraft(EMPTY_AUDIT_FILTERS);
              onApply(EMPTY_AUDIT_FILTERS);
            }}
          >
            Clear
          </Button>
        ) : null}
      </div>
    </form>
  );
}
