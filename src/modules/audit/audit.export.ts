import { Readable } from 'node:stream';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { present, recordStandaloneEvent, type AuditEvent } from './audit.service.js';
import * as store from './audit.store.js';

export type AuditExportFormat = 'jsonl' | 'csv';

/** Events are read from the store this many at a time, so an export of any size keeps memory flat. */
export const EXPORT_PAGE_SIZE = 1000;

export const EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

export interface AuditExportFilter extends store.AuditTextFilter {
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
}

const CSV_COLUMNS = [
  'id',
  'at',
  'action',
  'outcome',
  'actor_id',
  'actor_label',
  'target_id',
  'target_label',
  'ip',
  'user_agent',
  'request_id',
  'details',
] as const;

/** Characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (SEC-AUD-02): a cell that would start a formula gets a leading `'`, so a name such as
 * `=HYPERLINK(...)` stays text; every text cell is quoted per RFC 4180 (inner quotes doubled), so
 * commas, quotes and line breaks stay inside it. Null is an empty, unquoted cell.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

function csvRow(cells: Array<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvLine(e: AuditEvent): string {
  return csvRow([
    e.id,
    e.at,
    e.action,
    e.outcome,
    e.actor.id,
    e.actor.label,
    e.target.id,
    e.target.label,
    e.ip,
    e.userAgent,
    e.requestId,
    JSON.stringify(e.details),
  ]);
}

/** The export body, page by page: only one page of rows is held at a time. */
async function* exportChunks(
  db: Db,
  format: AuditExportFormat,
  filter: AuditExportFilter,
  upToId: number,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow([...CSV_COLUMNS]);
  let afterId = 0;
  for (;;) {
    const rows = await store.findEventsAscending(db, { ...filter, afterId, upToId, limit: EXPORT_PAGE_SIZE });
    const last = rows.at(-1);
    if (!last) return;
    yield rows
      .map((row) => (format === 'csv' ? csvLine(present(row)) : `${JSON.stringify(present(row))}\n`))
      .join('');
    if (rows.length < EXPORT_PAGE_SIZE) return;
    afterId = last.id;
  }
}

/**
 * Exports the events matching the list's filters, oldest first, as JSON lines (each line an event
 * as the list shows it) or CSV. The export covers the log as it stood when it began, and is itself
 * audited (`audit.exported`, recorded after that point, so not part of its own export).
 */
export async function exportAuditEvents(
  deps: { db: Db; clock: Clock },
  actor: ActorContext,
  input: { format: AuditExportFormat; filter: AuditExportFilter },
): Promise<Readable> {
  const upToId = await store.lastId(deps.db);
  const { filter } = input;
  await recordStandaloneEvent(deps, actor, {
    action: 'audit.exported',
    details: {
      format: input.format,
      filters: {
        actor: filter.actorId ?? null,
        target: filter.targetId ?? null,
        action: filter.action ?? null,
        since: filter.since === undefined ? null : new Date(filter.since).toISOString(),
        until: filter.until === undefined ? null : new Date(filter.until).toISOString(),
        actorMatch: filter.actorMatch?.text ?? null,
        targetMatch: filter.targetMatch?.text ?? null,
      },
      upToId,
    },
  });
  // One page read ahead at most: a slow download holds the database pages back, not the server's memory.
  return Readable.from(exportChunks(deps.db, input.format, filter, upToId), { highWaterMark: 1 });
}
