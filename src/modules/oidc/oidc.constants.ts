/*
 * The provider's lifetimes and routes, apart from provider.ts: the rest of the server (the CLI, the
 * module's index) reads them without loading oidc-provider, which is imported on first use (ADR 0008).
 */

/** Lifetimes in seconds. Codes live 60 s at most (SEC-OIDC-01); ID and access tokens are short (SEC-OIDC-03). */
export const OIDC_TTL = {
  authorizationCode: 60,
  accessToken: 10 * 60,
  idToken: 10 * 60,
  interaction: 10 * 60,
  session: 14 * 24 * 3600,
  grant: 90 * 24 * 3600,
  /** A refresh token unused this long dies (idle); a chain of them never outlives `refreshAbsolute`. */
  refreshIdle: 14 * 24 * 3600,
  refreshAbsolute: 90 * 24 * 3600,
} as const;

/** How long a retired signing key stays published: the longest lifetime of anything it signed. */
export const KEY_OVERLAP_MS = Math.max(OIDC_TTL.idToken, OIDC_TTL.accessToken) * 1000 * 2;

export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  revocation: '/oidc/token/revocation',
  introspection: '/oidc/token/introspection',
  end_session: '/oidc/session/end',
  pushed_authorization_request: '/oidc/request',
} as const;

/**
 * How often a node looks whether the published signing keys changed: a rotation made by
 * `gatehouse keys rotate` (on any machine), or a retired key whose overlap has ended. One read of a
 * few rows, at most this often, on the first provider request after the interval.
 */
export const KEY_CHECK_INTERVAL_MS = 5_000;
