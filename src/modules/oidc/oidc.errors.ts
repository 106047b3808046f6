import { defineErrors } from '../../shared/errors.js';

export const oidcErrors = defineErrors({
  app_not_found: { status: 404, message: 'No such app.' },
  app_redirect_uri_invalid: {
    status: 400,
    message:
      'Each redirect URI must be an absolute URI without a fragment or wildcard: https, or http on a loopback address; custom schemes only for native apps.',
  },
  app_post_logout_redirect_uri_invalid: {
    status: 400,
    message: 'Each post-logout redirect URI must be an absolute https URI (http only on a loopback address).',
  },
  app_backchannel_logout_uri_invalid: {
    status: 400,
    message: 'The back-channel logout URI must be an absolute https URI (http only on a loopback address).',
  },
  app_redirect_uris_required: {
    status: 400,
    message: 'An app that signs users in needs at least one redirect URI.',
  },
  app_has_no_secret: { status: 409, message: 'Only web and service apps have a client secret.' },
  app_not_connected: { status: 404, message: 'You have not connected this app.' },
  interaction_not_found: {
    status: 404,
    message: 'This sign-in request has expired or was already completed. Start again from the app.',
  },
});
