export {
  ACCOUNT_LOCKOUT,
  RATE_LIMITS,
  reserveSignInAttempt,
  clearAccountThrottle,
  failedAttempts,
  lockedAccounts,
  lockedAccountCount,
  lockedAccountsQuery,
  hitRateLimit,
  releaseRateLimit,
  type RateVerdict,
  type RateLimitName,
} from './throttle.service.js';
export { clientRateKey } from './client-key.js';
