export interface SetupTokensTable {
  /** SHA-256 of the one-time setup secret printed at first start. */
  tokenHash: string;
  createdAt: number;
}
