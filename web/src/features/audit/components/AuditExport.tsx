import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useAuditExport, type AuditExportBody } from '../api';

/** Download the events the filters show, oldest first, as CSV or JSON lines (issue 14 item 8). */
export function AuditExport({ filters }: { filters: Omit<AuditExportBody, 'format'> }) {
  const { t } = useTranslation();
  const exporting = useAuditExport();
  const download = (format: AuditExportBody['format']) => exporting.mutate({ ...filters, format });
  return (
    <div className="audit-export" role="group" aria-label={t('auditTools.exportLabel')}>
      <Button
        size="sm"
        onClick={() => download('csv')}
        loading={exporting.isPending && exporting.variables?.format === 'csv'}
      >
        {t('auditTools.exportCsv')}
      </Button>
      <Button
        size="sm"
        onClick={() => download('jsonl')}
        loading={exporting.isPending && exporting.variables?.format === 'jsonl'}
      >
        {t('auditTools.exportJsonl')}
      </Button>
      <p className="visually-hidden" aria-live="polite">
        {exporting.isPending
          ? t('auditTools.exporting')
          : exporting.isSuccess
            ? t('auditTools.exported', { file: exporting.data })
            : ''}
      </p>
      {exporting.isError ? <ErrorMessage error={exporting.error} /> : null}
    </div>
  );
}
