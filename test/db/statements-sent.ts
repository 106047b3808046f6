import { DatabaseSync, StatementSync } from 'node:sqlite';
import pg from 'pg';

/*
 * Every statement the drivers send, counted at the drivers themselves (node:sqlite's statements and
 * exec, pg's Client#query): on PostgreSQL each is a round trip, BEGIN and COMMIT included. The
 * prototypes are wrapped once per process (test files share their worker's modules), and only the
 * calls made while `statementsSentDuring` runs are kept.
 */
let recording: string[] | null = null;

function countCalls(proto: object, method: string, text: (self: unknown, args: unknown[]) => string): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method] as (...args: unknown[]) => unknown;
  target[method] = function (this: unknown, ...args: unknown[]) {
    recording?.push(text(this, args));
    return original.apply(this, args);
  };
}

for (const method of ['all', 'get', 'run', 'iterate'])
  countCalls(StatementSync.prototype, method, (self) => (self as StatementSync).sourceSQL);
countCalls(DatabaseSync.prototype, 'exec', (_self, args) => String(args[0]));
countCalls(pg.Client.prototype, 'query', (_self, args) =>
  String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text),
);

/** Runs `run` and answers its result with the statements sent meanwhile (by anyone in this process). */
export async function statementsSentDuring<T>(
  run: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  recording = statements;
  try {
    return { result: await run(), statements };
  } finally {
    recording = null;
  }
}
