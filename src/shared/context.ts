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
