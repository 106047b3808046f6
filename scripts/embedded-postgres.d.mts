export function freePort(): Promise<number>;

export interface EmbeddedPostgresServer {
  /** The server's URL (database `postgres`). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function startEmbeddedPostgres(
  workDir: string,
  options: { durable: boolean; maxConnections: number },
): Promise<EmbeddedPostgresServer>;
