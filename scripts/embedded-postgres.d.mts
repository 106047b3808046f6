export function freePort(): Promise<number>;

export interface EmbeddedPostgresServer {
  /** The server's URL (database `postgres`). */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again after stop() (only with `restartable`: otherwise stop() removed the data). */
  start(): Promise<void>;
  /** What the server has logged so far. */
  log(): string;
}

export function startEmbeddedPostgres(
  workDir: string,
  options: { durable: boolean; maxConnections: number; restartable?: boolean },
): Promise<EmbeddedPostgresServer>;
