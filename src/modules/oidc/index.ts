export { registerOidc, type OidcHandle } from './oidc.plugin.js';
export { oidcErrors } from './oidc.errors.js';
export { createApp, listApps, deleteApp, type App, type AppInput } from './apps.service.js';
export { rotateSigningKeys } from './keys.js';
export { KEY_CHECK_INTERVAL_MS, KEY_OVERLAP_MS, OIDC_TTL, OIDC_ROUTES } from './oidc.constants.js';
