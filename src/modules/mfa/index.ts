export {
  listFactors,
  mfaSummaries,
  startTotpEnrollment,
  confirmTotp,
  removeFactor,
  regenerateRecoveryCodes,
  signInMethods,
  signInRequirement,
  enrollmentStillDue,
  verifySecondFactor,
  type MfaDeps,
  type MfaSummary,
  type FactorList,
  type SecondFactorInput,
  type SecondStepMethod,
  type FactorPresence,
} from './mfa.service.js';
export { mfaErrors } from './mfa.errors.js';
export { SecondFactorBody } from './mfa.schemas.js';
export { resetAccess, redeemEnrollmentLink, ENROLLMENT_LINK_MS } from './reset-access.js';
export {
  passkeyRequestOptions,
  passkeyOwner,
  verifyPasskeyAssertion,
  CHALLENGE_MS,
  type AssertionResult,
} from './passkey-assertion.js';
export { AuthenticationResponse, RequestOptions } from './passkeys.schemas.js';
