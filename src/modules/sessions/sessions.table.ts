export interface SessionsTable {
  /** Public id, safe to show and to use in DELETE /me/sessions/:id. */
  id: string;
  /** SHA-256 of the cookie secret; the secret itself is never stored (SEC-SES-01). */
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute end of life (SEC-SES-05); the idle end is lastSeenAt + idle timeout. */
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** null: full; 'mfa': second step pending (SEC-MFA-05); 'enroll': a required factor to set up first. */
  restriction: SessionRestriction | null;
  /** When the user last proved who they are in this session (step-up, SEC-MFA-07); null: at createdAt. */
  authenticatedAt: number | null;
}

export type SessionRestriction = 'mfa' | 'enroll';
