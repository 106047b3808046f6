/** Personal API tokens: only the SHA-256 of the secret is stored (SEC-TOK-01). */
export interface ApiTokensTable {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the token, shown so people can tell their tokens apart. */
  prefix: string;
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}
