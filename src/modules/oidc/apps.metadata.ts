import type { ClientMetadata } from 'oidc-provider';
import type { AppRow } from './apps.store.js';

/**
 * An app as oidc-provider sees it. Confidential apps (web, service) authenticate with
 * client_secret_basic or _post; the "secret" the provider compares is the stored SHA-256, because
 * the mount (provider.mount.ts) checks the presented secret against the hashes itself and hands the
 * provider the hash only when it matched (SEC-OIDC-06: the secret is never stored in clear).
 * Public apps (spa, native) use no secret and must use PKCE, as every app must (SEC-OIDC-01).
 */
export function appClientMetadata(app: AppRow): ClientMetadata {
  const confidential = app.type === 'web' || app.type === 'service';
  const interactive = app.type !== 'service';
  const metadata: ClientMetadata = {
    client_id: app.id,
    client_name: app.name,
    application_type: app.type === 'native' ? 'native' : 'web',
    grant_types: interactive ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: interactive ? ['code'] : [],
    redirect_uris: interactive ? (JSON.parse(app.redirectUris) as string[]) : [],
    post_logout_redirect_uris: interactive ? (JSON.parse(app.postLogoutRedirectUris) as string[]) : [],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    id_token_signed_response_alg: app.idTokenAlg,
  };
  if (confidential && app.secretHash) metadata.client_secret = app.secretHash;
  if (app.backchannelLogoutUri) {
    metadata.backchannel_logout_uri = app.backchannelLogoutUri;
    metadata.backchannel_logout_session_required = false;
  }
  return metadata;
}
