import { AsyncLocalStorage } from 'node:async_hooks';
import type { Executor } from '../../db/db.js';
import { findApp, type AppRow } from './apps.store.js';

/**
 * One read of an app's row per provider request. A token request needs the app three times (the
 * mount checks its secret, the provider loads the client, findAccount checks the roles it admits);
 * they share the first read. Scoped to the one request (AsyncLocalStorage, entered by the mount), never
 * cached across requests: an app changed, disabled or deleted on any node is seen by the next request
 * on every node, exactly as without the memo.
 */
const requestApps = new AsyncLocalStorage<Map<string, Promise<AppRow | undefined>>>();

/** Runs one provider request with its own memo. */
export function withAppMemo<T>(run: () => T): T {
  return requestApps.run(new Map(), run);
}

/** The app's row: from this request's memo when it was read already (outside a request: read). */
export function findAppOnce(exec: Executor, id: string): Promise<AppRow | undefined> {
  const memo = requestApps.getStore();
  if (!memo) return findApp(exec, id);
  let row = memo.get(id);
  if (!row) {
    row = findApp(exec, id);
    memo.set(id, row);
  }
  return row;
}
