import type { Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import { inSavepoint } from '../../db/savepoint.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { isAppError } from '../../shared/errors.js';
import { recordAuditEvent } from '../audit/index.js';
import * as users from '../users/index.js';
import { insertInvitation, type InvitationInput } from './create-invitation.js';
import type { InvitationsCtx } from './invitations.context.js';
import { invitationErrors } from './invitations.errors.js';
import type { Invitation } from './invitations.presenter.js';
import { denied, refusal, type Inviter } from './inviter-rules.js';

/** One row of a bulk invitation: already validated, or refused by validation with its reason. */
export type BulkRow =
  { ok: true; input: InvitationInput } | { ok: false; email: string | null; code: string; message: string };

export interface BulkResult {
  index: number;
  email: string | null;
  status: 'created' | 'error';
  code?: string;
  message?: string;
  invitation?: Invitation;
}

/** Rows per transaction: one commit (one fsync) per batch instead of per row. */
const BULK_BATCH = 100;

/**
 * Many invitations, each on its own: every row runs in a savepoint, so a refused row rolls back
 * alone and never stops the others, while a batch of rows shares one commit. Refusals by the
 * service become that row's code and message.
 */
export async function createInvitations(
  ctx: InvitationsCtx,
  actor: ActorContext,
  inviter: Inviter,
  rows: BulkRow[],
  onProgress?: (done: number, total: number) => void,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (let from = 0; from < rows.length; from += BULK_BATCH) {
    const batch: BulkResult[] = [];
    await ctx.db.transaction().execute(async (trx) => {
      for (let index = from; index < Math.min(from + BULK_BATCH, rows.length); index += 1) {
        batch.push(await bulkRow(trx, ctx, actor, inviter, rows[index] as BulkRow, index));
      }
    });
    for (const result of batch) {
      results.push(result);
      onProgress?.(results.length, rows.length);
    }
  }
  return results;
}

async function bulkRow(
  trx: Executor,
  ctx: InvitationsCtx,
  actor: ActorContext,
  inviter: Inviter,
  row: BulkRow,
  index: number,
): Promise<BulkResult> {
  if (!row.ok) return { index, email: row.email, status: 'error', code: row.code, message: row.message };
  const email = users.normalizeEmail(row.input.email);
  const reason = refusal(ctx, inviter, row.input.role);
  if (reason) {
    await recordAuditEvent(trx, ctx.clock, actor, denied(inviter, row.input.role));
    const error = commonErrors.forbidden(reason);
    return { index, email, status: 'error', code: error.code, message: error.message };
  }
  try {
    const invitation = await inSavepoint(trx, () => insertInvitation(trx, ctx, actor, inviter, row.input));
    return { index, email, status: 'created', invitation };
  } catch (caught) {
    const error = isUniqueViolation(caught) ? invitationErrors.already_invited() : caught;
    if (!isAppError(error) || error.status >= 500) throw error;
    return { index, email, status: 'error', code: error.code, message: error.message };
  }
}
