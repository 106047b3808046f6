/**
 * A self-service reset link (Forgot password, the lockout notice) lives 30 minutes by default, an
 * admin-sent one 24 h (SEC-RST-03). Both are settings (RESET_LINK_MINUTES, ADMIN_RESET_LINK_HOURS,
 * or Settings in the console): the code that issues a link reads `settings.current().links` once.
 */
export const SELF_RESET_LINK_MS = 30 * 60_000;
export const ADMIN_RESET_LINK_MS = 24 * 3_600_000;

/** Built from PUBLIC_URL only, never from the request's Host (SEC-RST-07). */
export function resetLink(config: { publicUrl: string }, token: string): string {
  return `${config.publicUrl}/reset-password?token=${token}`;
}
