export {
  createArgon2Hasher,
  DEFAULT_HASH_SHARE,
  hashCallerOf,
  normalizePassword,
  PRODUCTION_ARGON2,
  type Argon2Params,
  type HashCaller,
  type HashShare,
  type PasswordHasher,
} from './hasher.js';
export { assertPasswordAcceptable, contextWords, type PolicyContext } from './policy.js';
export { strengthScore, MIN_STRENGTH_SCORE } from './strength.js';
export { generatePassword, GENERATED_PASSWORD_BITS } from './generator.js';
export { loadBlocklist, isBlocklisted } from './blocklist.js';
export { passwordErrors } from './passwords.errors.js';
export {
  issueResetToken,
  hasOpenResetToken,
  peekResetToken,
  consumeResetToken,
  invalidateResetTokens,
} from './reset-tokens.js';
export { choosePassword, type PasswordChoice } from './choose.js';
