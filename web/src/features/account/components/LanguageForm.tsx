import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { Me } from '../../../lib/api';
import { useSetLocale } from '../api';

/** The language of the emails Gatehouse sends you; empty follows the organization's default. */
export function LanguageForm({ me }: { me: Me }) {
  const [locale, setLocale] = useState(me.user.locale ?? '');
  const save = useSetLocale();
  const toast = useToast();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(locale === 'en' || locale === 'fr' ? locale : null, {
      onSuccess: () => toast('Language saved.'),
    });
  };
  return (
    <form className="form form-inline" onSubmit={submit}>
      <SelectField
        label="Language"
        hint="Used for the emails Gatehouse sends you."
        value={locale}
        onChange={(e) => setLocale(e.target.value)}
        options={[
          { value: '', label: 'Organization default' },
          { value: 'en', label: 'English' },
          { value: 'fr', label: 'Français' },
        ]}
      />
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      <div className="form-actions">
        <Button type="submit" loading={save.isPending} disabled={locale === (me.user.locale ?? '')}>
          Save language
        </Button>
      </div>
    </form>
  );
}
