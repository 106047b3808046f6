export {
  ACCOUNT_LOCKOUT,
  RATE_LIMITS,
  accountLockedUntil,
  recordSignInFailure,
  clearAccountThrottle,
  failedAttempts,
  lockedAccounts,
  hitRateLimit,
  checkRateLimit,
  type RateVerdict,
  type RateLimitName,
} from './throttle.service.js';
