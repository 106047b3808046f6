import { createHash, randomBytes, timingSafeEqual, randomUUID } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url: the form of every secret Gatehouse hands out (SEC-RST-01, SEC-SES-01). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their SHA-256, so a database dump holds nothing usable (SEC-RST-02). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newId(): string {
  return randomUUID();
}
