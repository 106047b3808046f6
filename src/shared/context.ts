/**
 * Who is acting and from where. HTTP builds it from the request; the CLI from the shell.
 * Services pass it to the audit log unchanged.
 */
export interface ActorContext {
  readonly actorId: string | null;
  /** An email for a signed-in user, "cli" for the shell, "anonymous" before sign-in. */
  readonly actorLabel: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
}

/** What a signed-in request authenticated with: a session (cookie) or an API token (Bearer). */
export interface Credential {
  readonly kind: 'session' | 'token';
  readonly id: string;
}

export function cliContext(): ActorContext {
  return { actorId: null, actorLabel: 'cli', ip: null, userAgent: 'gatehouse-cli', requestId: null };
}

/** The server acting on its own at start-up (e.g. recording its public URL), not for anyone. */
export function serverContext(): ActorContext {
  return { actorId: null, actorLabel: 'server', ip: null, userAgent: null, requestId: null };
}

/**
 * An admin acting through the CLI (`--as <email>`): audited as that admin, the user agent saying
 * it came from the shell.
 */
export function cliContextAs(user: { id: string; email: string }): ActorContext {
  return { ...cliContext(), actorId: user.id, actorLabel: user.email };
}
