import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Card } from '../../../components/Page';
import { SelectField, TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { ResponseOf } from '../../../lib/api';
import { useUpdateSettings } from '../api';

type Policy = ResponseOf<'/api/v1/settings', 'get'>['mfaPolicy'];
type Requirement = Policy['admin'];
const ROLES = ['admin', 'member', 'viewer'] as const;

/** Settings → Security: two-step verification per role, with a grace period (issue 13). */
export function SecurityPolicyForm({ policy }: { policy: Policy }) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useUpdateSettings();
  const [draft, setDraft] = useState({
    admin: policy.admin,
    member: policy.member,
    viewer: policy.viewer,
    graceDays: String(policy.graceDays),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { mfaPolicy: { ...draft, graceDays: Number(draft.graceDays) } },
      { onSuccess: () => toast(t('mfa.policySaved')) },
    );
  };
  const options = (['optional', 'required', 'passkey'] as const).map((value) => ({
    value,
    label: t(`mfa.requirement.${value}`),
  }));
  return (
    <Card title={t('mfa.policyTitle')} description={t('mfa.policyDescription')}>
      <form className="form" onSubmit={submit} aria-label={t('mfa.policyTitle')}>
        {ROLES.map((role) => (
          <SelectField
            key={role}
            label={t(`mfa.role.${role}`)}
            value={draft[role]}
            onChange={(e) => setDraft({ ...draft, [role]: e.target.value as Requirement })}
            options={options}
          />
        ))}
        <TextField
          label={t('mfa.graceDays')}
          hint={t('mfa.graceDaysHint')}
          type="number"
          min={0}
          max={365}
          required
          value={draft.graceDays}
          onChange={(e) => setDraft({ ...draft, graceDays: e.target.value })}
        />
        {save.isError ? <ErrorMessage error={save.error} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={save.isPending}>
            {t('mfa.policySave')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
