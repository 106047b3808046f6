export type ResetPurpose = 'self' | 'admin';

/** Password reset tokens, stored only as SHA-256 (SEC-RST-02); one live token per user (SEC-RST-05). */
export interface PasswordResetTokensTable {
  tokenHash: string;
  userId: string;
  purpose: ResetPurpose;
  createdAt: number;
  expiresAt: number;
}
