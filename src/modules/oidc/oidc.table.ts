import type { Generated } from 'kysely';

/**
 * What oidc-provider stores through its adapter (sessions, interactions, grants, codes, tokens): one
 * row per (model, id), the payload as JSON, with the columns the adapter looks rows up by. Times are
 * epoch milliseconds, as everywhere.
 */
export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  /** The user a row belongs to: sign-out, deactivation and role changes revoke by it (SEC-OIDC-05). */
  accountId: string | null;
  clientId: string | null;
  expiresAt: number | null;
  /** Set once by an atomic UPDATE: codes and refresh tokens are single use on every node. */
  consumedAt: number | null;
}

export type AppType = 'web' | 'spa' | 'native' | 'service';

/** A registered app (an OpenID Connect client); its id is the client_id. */
export interface OidcAppsTable {
  id: string;
  name: string;
  type: AppType;
  /** JSON arrays of exact URIs. */
  redirectUris: string;
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string | null;
  /** ",admin,member," — the roles admitted, comma-fenced so SQL can test membership with LIKE. */
  allowedRoles: string;
  firstParty: number;
  idTokenAlg: 'ES256' | 'RS256';
  /** SHA-256 (hex) of the client secret (256 random bits); null for public clients. */
  secretHash: string | null;
  /** During a rotation's overlap the previous secret still works until this time. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  disabled: number;
  createdAt: number;
  updatedAt: number;
}

/** Signing keys: the public JWK in clear, the private one sealed with SECRET_KEY (`oidc-key:<kid>`). */
export interface OidcKeysTable {
  kid: string;
  alg: 'ES256' | 'RS256';
  publicJwk: string;
  sealedPrivateJwk: string;
  createdAt: number;
  /** Null while the key signs; set at rotation: published until then, for tokens it signed. */
  retiredAt: number | null;
  removeAt: number | null;
}

/** Back-channel logout deliveries: written in the transaction of the change, sent with retries. */
export interface OidcLogoutOutboxTable {
  id: Generated<number>;
  userId: string;
  clientId: string;
  reason: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  sentAt: number | null;
  failedAt: number | null;
  lastError: string | null;
}
