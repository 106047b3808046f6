export type FactorKind = 'totp' | 'passkey';
export type FactorStatus = 'pending' | 'active';

/** A user's second factors. A TOTP seed is stored only sealed (SEC-MFA-02), a passkey's public key as is. */
export interface MfaFactorsTable {
  id: string;
  userId: string;
  kind: FactorKind;
  name: string;
  status: FactorStatus;
  /** TOTP: the seed sealed with the secret box under the context `totp:<id>`. */
  secretSealed: string | null;
  /** TOTP: the last accepted time step (SEC-MFA-01: a code is accepted once). */
  lastStep: number | null;
  /** Passkey: the credential id (base64url). */
  credentialId: string | null;
  /** Passkey: the COSE public key (base64url). */
  publicKey: string | null;
  signCount: number | null;
  transports: string | null;
  backedUp: number | null;
  aaguid: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Recovery codes: only the SHA-256 of each (≥ 60 random bits, SEC-MFA-03). */
export interface MfaRecoveryCodesTable {
  id: string;
  userId: string;
  codeHash: string;
  createdAt: number;
  usedAt: number | null;
}

/** WebAuthn challenges: single use, ≤ 5 minutes (SEC-MFA-04). */
export interface MfaChallengesTable {
  id: string;
  userId: string | null;
  sessionId: string | null;
  purpose: string;
  challenge: string;
  expiresAt: number;
}

/** The single-use link "Reset access" issues (SHA-256 of its secret only), valid 24 h on any device. */
export interface MfaEnrollmentLinksTable {
  id: string;
  userId: string;
  tokenHash: string;
  scope: ResetScope;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** What "Reset access" removes: the factors only, or the password too. */
export type ResetScope = 'factors' | 'all';
