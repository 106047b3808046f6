import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { appClientMetadata } from './apps.metadata.js';
import { findAppOnce } from './apps.request-memo.js';
import * as store from './oidc.store.js';

/**
 * oidc-provider's storage over the Gatehouse database (SQLite or PostgreSQL), so every node sees
 * every session, code, grant and token: a code issued on one node is redeemed on another.
 *
 * Single use holds across nodes because `consume` is one conditional UPDATE: of two redemptions of a
 * code or refresh token racing on two nodes, one sets `consumed_at`, the other updates nothing and is
 * treated as the reuse it is: the grant is revoked (every token from it dies) and it gets
 * `invalid_grant` (SEC-OIDC-01, SEC-OIDC-04). Clients are not stored here: the `Client` model reads
 * the apps registry, so an app disabled or edited takes effect at its next request on every node.
 */
export function kyselyAdapter(db: Db, clock: Clock): new (name: string) => Adapter {
  return class KyselyAdapter implements Adapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const grantId = this.name === 'Grant' ? id : (payload.grantId ?? null);
      await store.upsertPayload(db, {
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
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') {
        const app = await findAppOnce(db, id);
        return app && !app.disabled ? appClientMetadata(app) : undefined;
      }
      return this.present(await store.findPayload(db, this.name, id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.present(await store.findPayloadByUid(db, this.name, uid));
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // the device flow is not enabled
    }

    async consume(id: string): Promise<void> {
      if (await store.consumePayload(db, this.name, id, clock.now())) return;
      // Another request (on any node) consumed it first: this one is a reuse.
      const row = await store.findPayload(db, this.name, id);
      if (row?.grantId) await store.revokeGrant(db, row.grantId);
      throw new errors.InvalidGrant(`${this.name} already used`);
    }

    async destroy(id: string): Promise<void> {
      await store.deletePayload(db, this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
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
