/** Signing in to other apps through Gatehouse (issue 12): the consent page and its errors. */
export const oidcEn = {
  apps: {
    title: 'Apps',
    description: 'The apps that sign people in with their Gatehouse account (OpenID Connect).',
    add: 'Add app',
    empty: 'No apps yet.',
    name: 'Name',
    type: 'Type',
    types: {
      web: 'Web app (server side)',
      spa: 'Single-page app',
      native: 'Native or command-line app',
      service: 'Service (no users)',
    },
    redirectUris: 'Redirect URIs',
    redirectUrisHint: 'One per line; matched exactly. https, or http on localhost.',
    redirectUriInvalid: 'Not a redirect URI Gatehouse accepts: {{uri}}',
    postLogoutUris: 'Sign-out redirect URIs',
    backchannelUri: 'Back-channel logout URI',
    backchannelHint: 'Where Gatehouse tells the app that a person signed out or lost access.',
    allowedRoles: 'Roles allowed',
    firstParty: 'Our own app: no consent page',
    firstPartyBadge: 'Own app',
    create: 'Create app',
    cancel: 'Cancel',
    created: '{{name}} is registered. Configure it with these values.',
    issuer: 'Issuer',
    clientId: 'Client ID',
    clientSecret: 'Client secret',
    newSecret: 'New client secret (the old one works 24 more hours)',
    secretOnce: 'Copy the secret now: it is shown only this once.',
    done: 'Done',
    actions: 'Actions',
    disabled: 'Disabled',
    disable: 'Disable',
    enable: 'Enable',
    rotateSecret: 'New secret',
    connected: {
      title: 'Connected apps',
      description: 'Apps you signed in to with your Gatehouse account.',
      none: 'No connected apps.',
      disconnect: 'Disconnect',
    },
  },
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
