/** Signing in to other apps through Gatehouse (issue 12): the consent page and its errors. */
export const oidcEn = {
  consent: {
    title: 'Allow {{app}}?',
    description: '{{app}} wants to sign you in with your Gatehouse account ({{email}}).',
    scopesIntro: 'It will be able to see:',
    scopes: {
      openid: 'Your account identifier',
      profile: 'Your name and language',
      email: 'Your email address',
      roles: 'Your role',
      offline_access: 'Your account while you are away, until you disconnect it in My account',
    },
    allow: 'Allow',
    deny: 'Deny',
    leaving: 'Taking you back to {{app}}…',
  },
};

/** The server's error codes of the OpenID Provider, spread into `errors`. */
export const oidcErrorsEn = {
  app_not_found: 'This app does not exist or is disabled.',
  app_redirect_uri_invalid:
    'Each redirect URI must be an absolute https address (http only on localhost), without * or #; custom schemes only for native apps.',
  app_post_logout_redirect_uri_invalid:
    'Each sign-out redirect URI must be an absolute https address (http only on localhost).',
  app_backchannel_logout_uri_invalid:
    'The back-channel logout URI must be an absolute https address (http only on localhost).',
  app_redirect_uris_required: 'An app that signs people in needs at least one redirect URI.',
  app_has_no_secret: 'Only web and service apps have a client secret.',
  app_not_connected: 'You have not connected this app.',
  interaction_not_found: 'This sign-in request has expired or was already used. Start again from the app.',
};
