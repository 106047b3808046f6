import { randomBytes } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import { constantTimeEqual } from '../../shared/crypto.js';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps (SEC-MFA-01). */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** At most one step either side of the server's: a phone's clock may be off by up to ~30 s. */
export const TOTP_DRIFT_STEPS = 1;

/** A new seed: 160 bits from the CSPRNG (RFC 4226's recommended length for SHA-1), as base32. */
export function newTotpSeed(): string {
  return new Secret({ buffer: randomBytes(20).buffer }).base32;
}

/** The time step a moment (ms) falls in. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of one time step (RFC 6238 is HOTP over the step counter); `digits` only for the RFC vectors. */
export function totpCode(seedBase32: string, step: number, digits = TOTP_DIGITS): string {
  return HOTP.generate({ secret: Secret.fromBase32(seedBase32), algorithm: 'SHA1', digits, counter: step });
}

/**
 * The step a code belongs to within ±1 step of now, newest first, or null. Only steps after the
 * last accepted one count, so a code is never accepted twice; the caller stores the step it
 * accepts atomically (a conditional UPDATE), so two nodes cannot both accept one code.
 */
export function matchTotp(
  seedBase32: string,
  code: string,
  nowMs: number,
  lastStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(nowMs);
  let found: number | null = null;
  // Every candidate is computed and compared, whichever matches, so the time taken says nothing.
  for (let step = current + TOTP_DRIFT_STEPS; step >= current - TOTP_DRIFT_STEPS; step -= 1) {
    const ok = constantTimeEqual(totpCode(seedBase32, step), code);
    if (ok && found === null && (lastStep === null || step > lastStep)) found = step;
  }
  return found;
}

/** The otpauth:// URI an authenticator app scans (the QR code) or reads. */
export function otpauthUri(seedBase32: string, issuer: string, account: string): string {
  return new TOTP({
    issuer,
    label: account,
    secret: Secret.fromBase32(seedBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}
