/** A self-service reset link (Forgot password, the lockout notice) lives 30 minutes (SEC-RST-03). */
export const SELF_RESET_LINK_MS = 30 * 60_000;

/** An admin-sent reset link lives 24 h (SEC-RST-03). */
export const ADMIN_RESET_LINK_MS = 24 * 3_600_000;

/** Built from PUBLIC_URL only, never from the request's Host (SEC-RST-07). */
export function resetLink(config: { publicUrl: string }, token: string): string {
  return `${config.publicUrl}/reset-password?token=${token}`;
}
