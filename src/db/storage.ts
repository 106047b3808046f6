import { randomBytes } from 'node:crypto';
import { isStorageFull } from '../shared/database-errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/crypto.js';
import type { Db } from './db.js';

/**
 * The probe writes this much (random, so that nothing compresses it) and frees it in the same
 * transaction: the node is ready again only when an ordinary request's writes have room, not when a
 * one-byte change happens to fit in a page that is already there.
 */
const PROBE_BYTES = 64 * 1024;

/** The two log calls the monitor makes (pino's shape). */
export interface StorageLog {
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export type StorageState = 'ok' | 'full';

/**
 * Whether the database can take writes. A write that fails because the disk (or quota) is full
 * starts an episode: it is logged once, however many writes fail in it, and `/readyz` answers 503
 * so that a load balancer sends writes elsewhere. Reads keep being served. While the episode lasts,
 * `/readyz` tries one small write (at most every `probeEveryMs`); when it succeeds, space is back,
 * the episode ends, and that is logged once too.
 */
export class StorageMonitor {
  private state: StorageState = 'ok';
  private since = 0;
  private lastProbe = 0;
  private readonly nodeId = newId();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: StorageLog,
    private readonly probeEveryMs = 2_000,
  ) {}

  /** Called with every unexpected error of a request; returns whether it was a full disk. */
  noticeError(error: unknown): boolean {
    if (!isStorageFull(error)) return false;
    if (this.state === 'ok') {
      this.state = 'full';
      this.since = this.clock.now();
      // The first /readyz of the episode probes at once.
      this.lastProbe = 0;
      this.log.error(
        { code: (error as { code?: unknown }).code, message: (error as Error).message },
        'database storage is full: writes fail until space is freed on the database disk; reads go on',
      );
    }
    return true;
  }

  /** The state for /readyz; while full, first tries whether a write works again. */
  async current(): Promise<StorageState> {
    if (this.state === 'ok') return 'ok';
    const now = this.clock.now();
    if (now - this.lastProbe < this.probeEveryMs) return this.state;
    this.lastProbe = now;
    try {
      const padding = randomBytes(PROBE_BYTES);
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('storageProbe')
          .values({ nodeId: this.nodeId, probedAt: now, padding })
          .onConflict((oc) => oc.column('nodeId').doUpdateSet({ probedAt: now, padding }))
          .execute();
        await trx
          .updateTable('storageProbe')
          .set({ padding: null })
          .where('nodeId', '=', this.nodeId)
          .execute();
      });
      this.state = 'ok';
      this.log.info({ fullForMs: now - this.since }, 'database storage has space again: writes work');
    } catch (error) {
      if (!isStorageFull(error)) throw error;
    }
    return this.state;
  }
}
