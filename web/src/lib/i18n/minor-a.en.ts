/**
 * Issue 14's minor console items, English: the password meter's estimator, the setup link's states,
 * the audit page's filters and export. Spread into en.ts under `passwordMeter`, `firstRun` and
 * `auditTools` and `apiTokens`, and the error codes under `errors`.
 */
export const passwordMeterEn = {
  notGuessable: 'Not easy to guess (no common word, name or pattern)',
  checking: 'Checking…',
  forAccount: 'For the account of <strong>{{name}}</strong> ({{email}}).',
};

export const firstRunEn = {
  checking: 'Checking the setup link…',
  pendingTitle: 'Setup is pending',
  pendingBody:
    'Gatehouse has no users yet. Open the setup link that the server printed when it started (in its terminal or log, after “No users yet”) to create the first admin.',
  pendingHint: 'Restarting the server prints a new link; any link it printed works until setup is done.',
  invalidTitle: 'This setup link is not valid',
  invalidBody:
    'Check that you copied the whole link, or use the link in the server’s terminal or log, after “No users yet”.',
  usedTitle: 'This setup link was already used',
  usedBody: 'Setup is done: the first admin exists. Sign in with that account.',
  goSignIn: 'Go to sign in',
};

export const auditToolsEn = {
  actor: 'Actor',
  actorPlaceholder: 'Part of a name or email',
  target: 'Target',
  targetPlaceholder: 'Part of a name or email',
  until: 'Until',
  untilBeforeSince: '“Until” must not be before “Since”.',
  exportLabel: 'Download the events matching these filters',
  exportCsv: 'Download CSV',
  exportJsonl: 'Download JSON lines',
  exporting: 'Preparing the download…',
  exported: 'Download ready: {{file}}',
};

export const apiTokensEn = {
  new: 'New API token',
  name: 'Token name',
  nameHint: 'What it is for, e.g. “Deploy script”.',
  expiry: 'Expires',
  expiries: { '30': 'In 30 days', '90': 'In 90 days', '365': 'In a year', never: 'Never' },
  create: 'Create token',
  createdTitle: 'API token “{{name}}” created',
  shownOnce: 'Copy it now: it is shown only this once. Send it in the Authorization header, after “Bearer”.',
  secret: 'Your new API token',
};

export const minorAErrorsEn = {
  password_too_weak:
    'This password is too easy to guess: it is a common word, name or pattern. Add more words, or characters that do not follow a pattern.',
};
