import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { Me } from '../../../lib/api';
import { chooseLanguage, i18n } from '../../../lib/i18n';
import { useSetLocale } from '../api';

/** The language of the console and of the emails Gatehouse sends you; empty follows the organization's default. */
export function LanguageForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [locale, setLocale] = useState(me.user.locale ?? '');
  const save = useSetLocale();
  const toast = useToast();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(locale === 'en' || locale === 'fr' ? locale : null, {
      // Switch first, so the confirmation is already in the language just chosen.
      onSuccess: async (updated) => {
        await i18n.changeLanguage(chooseLanguage(updated));
        toast(i18n.t('account.language.saved'));
      },
    });
  };
  return (
    <form className="form form-inline" onSubmit={submit}>
      <SelectField
        label={t('account.language.label')}
        hint={t('account.language.hint')}
        value={locale}
        onChange={(e) => setLocale(e.target.value)}
        options={[
          { value: '', label: t('account.language.organizationDefault') },
          { value: 'en', label: t('languages.en') },
          { value: 'fr', label: t('languages.fr') },
        ]}
      />
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      <div className="form-actions">
        <Button type="submit" loading={save.isPending} disabled={locale === (me.user.locale ?? '')}>
          {t('account.language.save')}
        </Button>
      </div>
    </form>
  );
}
