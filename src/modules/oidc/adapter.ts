import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { appClientMetadata } from './apps.metadata.js';
import { findAppOnce } from './apps.request-memo.js';
import * as store from './oidc.store.js';
import { commitTokenWrites, tokenWriteQueue } from './token-writes.js';

/**
 * oidc-provider's storage over the Gatehouse database (SQLite or PostgreSQL), so every node sees
 * every session, code, grant and token: a code issued on one node is redeemed on another.
 *
 * Single use holds across nodes because `consume` is one conditional UPDATE: of two redemptions of a
 * code or refresh token racing on two nodes, one sets `consumed_at`, the other updates nothing and is
 * treated as the reuse it is: the grant is revoked (every token from it dies) and it gets
 * `invalid_grant` (SEC-OIDC-01, SEC-OIDC-04). Clients are not stored here: the `Client` model reads
 * the apps registry, so an app disabled or edited takes effect at its next request on every node.
 *
 * During a token request, consumes and saves are queued and committed together in one transaction
 * before the answer is sent (token-writes.ts); any other call commits the queue first.
 */
export function kyselyAdapter(db: Db, clock: Clock): new (name: string) => Adapter {
  return class KyselyAdapter implements Adapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const grantId = this.name === 'Grant' ? id : (payload.grantId ?? null);
      const row: store.PayloadRow = {
        model: this.name,
        id,
        payload: JSON.stringify(payload),
        grantId,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        accountId: payload.accountId ?? null,
        clientId: payload.clientId ?? null,
        expiresAt: expiresIn ? clock.now() + expiresIn * 1000 : null,
        consumedAt: null,
      };
      const queue = tokenWriteQueue();
      if (queue) queue.saves.push(row);
      else await store.upsertPayload(db, row);
    }

    /** Commits the token request's queued writes, so that what follows reads and acts on them. */
    private async settle(): Promise<void> {
      const queue = tokenWriteQueue();
      if (queue) await commitTokenWrites(db, clock, queue);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') {
        const app = await findAppOnce(db, id);
        return app && !app.disabled ? appClientMetadata(app) : undefined;
      }
      await this.settle();
      return this.present(await store.findPayload(db, this.name, id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      await this.settle();
      return this.present(await store.findPayloadByUid(db, this.name, uid));
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // the device flow is not enabled
    }

    async consume(id: string): Promise<void> {
      const queue = tokenWriteQueue();
      if (queue) {
        // Checked when committed, in the transaction of the request's other writes (token-writes.ts).
        queue.consumes.push({ model: this.name, id });
        return;
      }
      if (await store.consumePayload(db, this.name, id, clock.now())) return;
      // Another request (on any node) consumed it first: this one is a reuse.
      const row = await store.findPayload(db, this.name, id);
      if (row?.grantId) await store.revokeGrant(db, row.grantId);
      throw new errors.InvalidGrant(`${this.name} already used`);
    }

    async destroy(id: string): Promise<void> {
      await this.settle();
      await store.deletePayload(db, this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await this.settle();
      await store.revokeGrant(db, grantId);
    }

    private present(row: store.PayloadRow | undefined): AdapterPayload | undefined {
      if (!row) return undefined;
      if (row.expiresAt !== null && row.expiresAt <= clock.now()) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      return row.consumedAt === null ? payload : { ...payload, consumed: Math.floor(row.consumedAt / 1000) };
    }
  };
}
