/**
 * The port through which the users list shows each user's two-step verification (issue 13): counts
 * only, from the mfa module (which sits above users), wired in build-app. The list reads them beside
 * the page's lockouts, at once, so that they add no round trip to the page (issue 18 item 10).
 */
export interface MfaSummary {
  enabled: boolean;
  totp: number;
  passkeys: number;
  recoveryCodesRemaining: number;
}

export type MfaSummaries = (userIds: readonly string[]) => Promise<Map<string, MfaSummary>>;

export const NO_MFA: MfaSummary = Object.freeze({
  enabled: false,
  totp: 0,
  passkeys: 0,
  recoveryCodesRemaining: 0,
});
