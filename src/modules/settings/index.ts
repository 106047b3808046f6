export { readSettings, updateSettings, SETTING_KEYS, type OrgSettings } from './settings.service.js';
export { LiveSettings, defaultsFrom } from './live-settings.js';
export {
  readInstanceIdentity,
  recordInstanceIdentity,
  identityForServer,
  identityForCli,
  type StoredIdentity,
} from './instance-identity.js';
export { DEFAULT_MFA_POLICY, type MfaPolicy, type RoleMfaRequirement } from './mfa-policy.js';
