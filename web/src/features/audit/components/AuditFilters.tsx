import { useEffect, useRef, useState, type FormEvent } from 'react';
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
  until: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterValues = {
  actor: '',
  target: '',
  action: '',
  since: '',
  until: '',
};

/** How long typing may pause before the filters apply. */
const TYPING_PAUSE_MS = 350;

const same = (a: AuditFilterValues, b: AuditFilterValues) =>
  a.actor === b.actor &&
  a.target === b.target &&
  a.action === b.action &&
  a.since === b.since &&
  a.until === b.until;

const cleaned = (draft: AuditFilterValues): AuditFilterValues => ({
  ...draft,
  actor: draft.actor.trim(),
  target: draft.target.trim(),
});

/**
 * Who did it and to whom (any part of a name or email), what, and between which days. Filters
 * apply as the admin types (after a short pause) or picks; Enter applies at once.
 */
export function AuditFilters({
  value,
  onApply,
}: {
  value: AuditFilterValues;
  onApply(next: AuditFilterValues): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  const [synced, setSynced] = useState(value);
  if (!same(synced, value)) {
    // The URL changed (back button, link): show what is applied.
    setSynced(value);
    setDraft(value);
  }
  const badRange = draft.since !== '' && draft.until !== '' && draft.until < draft.since;
  const apply = useRef(onApply);
  apply.current = onApply;
  useEffect(() => {
    const next = cleaned(draft);
    if (same(next, value) || badRange) return;
    const timer = setTimeout(() => apply.current(next), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [draft, value, badRange]);

  const set = (key: keyof AuditFilterValues) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!badRange) onApply(cleaned(draft));
  };
  const active = Object.values(value).some(Boolean) || Object.values(draft).some(Boolean);
  return (
    <form className="filters filters-audit" onSubmit={submit} aria-label={t('audit.filters.label')}>
      <TextField
        label={t('auditTools.actor')}
        type="search"
        placeholder={t('auditTools.actorPlaceholder')}
        value={draft.actor}
        onChange={set('actor')}
        autoCapitalize="off"
        spellCheck={false}
        maxLength={200}
      />
      <TextField
        label={t('auditTools.target')}
        type="search"
        placeholder={t('auditTools.targetPlaceholder')}
        value={draft.target}
        onChange={set('target')}
        autoCapitalize="off"
        spellCheck={false}
        maxLength={200}
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
        max={draft.until || '9999-12-31'}
      />
      <TextField
        label={t('auditTools.until')}
        type="date"
        value={draft.until}
        onChange={set('until')}
        min={draft.since || undefined}
        max="9999-12-31"
        error={badRange ? t('auditTools.untilBeforeSince') : undefined}
      />
      <div className="filters-actions">
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
