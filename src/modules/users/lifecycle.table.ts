/** A pending email change or verification link (migration 0011); the secret is stored as SHA-256 (SEC-RST-02). */
export interface EmailChangeTokensTable {
  tokenHash: string;
  userId: string;
  /** The address the link proves: the new one the user asked for, or the one an admin set. */
  newEmail: string;
  /** 'change': the address changes when the link is used; 'verify': it changed already and is proven now. */
  purpose: 'change' | 'verify';
  createdAt: number;
  expiresAt: number;
}

/** What is left of a deleted user: the id the audit events name, when and by whom. Nothing personal. */
export interface UserTombstonesTable {
  id: string;
  deletedAt: number;
  deletedBy: string | null;
}
