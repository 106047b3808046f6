import { inTx, type Ctx } from '../../db/context.js';
import type { Db, Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import { defineErrors } from '../../shared/errors.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf, type MailConfig } from '../mail/index.js';
import * as store from './tokens.store.js';

export const tokenErrors = defineErrors({
  token_not_found: { status: 404, message: 'No such API token.' },
  token_expiry_in_past: { status: 400, message: 'The expiry must be in the future.' },
  too_many_tokens: { status: 409, message: 'You have too many API tokens; revoke some first.' },
});

/** A recognizable prefix, so leaked tokens can be found by secret scanners (SEC-TOK-01). */
export const TOKEN_PREFIX = 'ghk_';
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
const MAX_TOKENS_PER_USER = 50;
const TOUCH_INTERVAL_MS = 60_000;

export interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export type TokensDeps = Ctx<MailConfig>;

/**
 * A port the tokens module defines and the users module implements (`tokenOwners`; users depends on
 * tokens, not the reverse): a token's owner as its notice needs it, or the users module's 404.
 */
export interface TokenOwners {
  owner(
    ctx: Pick<Ctx, 'db' | 'clock'>,
    id: string,
  ): Promise<{ id: string; email: string; name: string; locale: string | null }>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(row: store.TokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: iso(row.createdAt) as string,
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
  };
}

/** Creates a token for the signed-in user; the secret is returned this once and stored only hashed. */
export async function createToken(
  deps: TokensDeps,
  actor: ActorContext & { actorId: string },
  owner: { id: string; email: string; name: string; locale: string | null },
  input: { name: string; expiresAt?: string | undefined },
): Promise<{ token: string; info: TokenInfo }> {
  const now = await dbNow(deps.db, deps.clock);
  const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
  if (expiresAt !== null && expiresAt <= now) throw tokenErrors.token_expiry_in_past();
  const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
  const row: store.TokenRow = {
    id: newId(),
    userId: owner.id,
    name: input.name,
    prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
    tokenHash: sha256Hex(token),
    createdAt: now,
    lastUsedAt: null,
    expiresAt,
  };
  await deps.db.transaction().execute(async (trx) => {
    if ((await store.listForUser(trx, owner.id)).length >= MAX_TOKENS_PER_USER)
      throw tokenErrors.too_many_tokens();
    await store.insertToken(trx, row);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'token.created',
      target: { id: owner.id, label: owner.email },
      details: { tokenId: row.id, name: row.name, prefix: row.prefix },
    });
    // SEC-NOT-01: a new token is a new way into the account; the mail names it, never the secret.
    await enqueue(inTx(deps, trx), {
      template: 'token_created',
      ...recipientOf(owner),
      vars: { tokenName: row.name, prefix: row.prefix },
    });
  });
  return { token, info: present(row) };
}

export async function listTokens(deps: { db: Db }, userId: string): Promise<TokenInfo[]> {
  return (await store.listForUser(deps.db, userId)).map(present);
}

/** Revokes one token of `ownerId`; someone else's token id is simply not found (SEC-AZ-02). */
export async function revokeToken(
  deps: { db: Db; clock: Clock },
  actor: ActorContext,
  owner: { id: string; email: string },
  tokenId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const removed = await store.deleteOne(trx, owner.id, tokenId);
    if (!removed) throw tokenErrors.token_not_found();
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'token.revoked',
      target: { id: owner.id, label: owner.email },
      details: { tokenId, name: removed.name, prefix: removed.prefix },
    });
  });
}

/** Ends one token of `userId` in the caller's transaction; false when it was already gone. */
export async function endOwnToken(exec: Executor, userId: string, tokenId: string): Promise<boolean> {
  return (await store.deleteOne(exec, userId, tokenId)) !== undefined;
}

/** Deactivation and password resets end every token of the user, in the caller's transaction. */
export async function revokeAllTokens(exec: Executor, userId: string): Promise<number> {
  return store.deleteForUser(exec, userId);
}

/** What a token is looked up by (the SHA-256 of it), or null for a string that is no token of ours. */
export function tokenLookupHash(token: string): string | null {
  return token.startsWith(TOKEN_PREFIX) && token.length <= 200 ? sha256Hex(token) : null;
}

/**
 * The rules for a token already read (by the request guard's one query, docs/adr/0003): unknown,
 * revoked (deleted) and expired tokens all fail alike; a live one has its last use written at most
 * once a minute. Rights come from the owner's current role, read in the same query.
 */
export async function keepTokenInUse(
  deps: { db: Db },
  token: { id: string; expiresAt: number | null; lastUsedAt: number | null },
  /** The database's time, read with the token (SEC-BF-06). */
  now: number,
): Promise<boolean> {
  if (token.expiresAt !== null && token.expiresAt <= now) return false;
  if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_INTERVAL_MS)
    await store.touch(deps.db, token.id, now);
  return true;
}
