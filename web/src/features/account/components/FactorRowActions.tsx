import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';

/** A factor row's actions in My account → Two-step verification: Rename, then Remove (the caller confirms and steps up). */
export function FactorRowActions(props: { onRename: () => void; onRemove: () => void; removing: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="form-actions">
      <Button size="sm" onClick={props.onRename}>
        {t('mfa.rename.action')}
      </Button>
      <Button size="sm" variant="danger" loading={props.removing} onClick={props.onRemove}>
        {t('mfa.remove')}
      </Button>
    </span>
  );
}
