/**
 * Every way back into an account: Forgot password, the reset link (self, admin-sent, lockout), and
 * the admin's reset with a temporary password. The token store is the passwords module's leaf.
 */
export { requestPasswordReset } from './forgot-password.js';
export { checkResetToken, completePasswordReset } from './reset-link.js';
export { adminResetPassword } from './admin-reset.js';
export { createAdminResetLink } from './admin-reset-link.js';
export { queueLockoutNotice } from './lockout-notice.js';
export { SELF_RESET_LINK_MS, ADMIN_RESET_LINK_MS } from './links.js';
export { recoveryErrors } from './recovery.errors.js';
export type { RecoveryCtx, RecoveryConfig } from './recovery.context.js';
