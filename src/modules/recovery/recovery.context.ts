import type { Ctx } from '../../db/context.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { UsersConfig } from '../users/index.js';

export interface RecoveryConfig extends UsersConfig {
  /** Per-IP limits key IPv6 clients on this prefix (SEC-BF-04). */
  ipv6RateLimitPrefix: number;
}

/** What recovery's use cases receive (docs/adr/0007-service-context.md). */
export interface RecoveryCtx extends Ctx<RecoveryConfig> {
  hasher: PasswordHasher;
}
