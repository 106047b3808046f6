/** Passkey screens (issue 13), English; spread into en.ts under `passkeys`, and the error codes under `errors`. */
export const passkeysEn = {
  title: 'Passkeys',
  description: 'Sign in with your fingerprint, face or device PIN instead of a code, or without a password.',
  none: 'No passkeys yet.',
  add: 'Add a passkey',
  nameLabel: 'Name (optional)',
  nameHint: 'Leave empty to use the name of your device or password manager.',
  create: 'Create the passkey',
  added: 'Passkey added.',
  removed: 'Passkey removed.',
  removeConfirm: 'Remove the passkey “{{name}}”? It will no longer sign you in.',
  synced: 'synced',
  thisDevice: 'this device only',
  notSupported: 'This browser does not support passkeys.',
  cancelled: 'The passkey was not created: the request was cancelled or timed out.',
  alreadyOnDevice: 'This device already holds a passkey for your account.',
  signIn: 'Sign in with a passkey',
  signInCancelled: 'No passkey was used. Try again, or sign in with your password.',
  or: 'or',
  secondStepDescription: 'Use your passkey to finish signing in.',
  usePasskey: 'Use your passkey',
  methodPasskey: 'Use a passkey',
  reauthWithPasskey: 'Confirm with a passkey',
  enrollRequired: 'Your role requires a passkey. Add one to continue.',
};

export const passkeysErrorsEn = {
  invalid_passkey_response: 'The passkey could not be verified. Try again.',
  passkey_already_registered: 'This passkey is already registered.',
  passkey_required: 'Your role requires a passkey: add another passkey before removing this one.',
};
