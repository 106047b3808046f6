/** Settings: where each value in force comes from, link lifetimes and branding (issue 14); spread into en.ts. */
export const settingsSourceEn = {
  source: {
    database: 'In force: saved here (overrides the environment)',
    environment: 'In force: from the environment',
    default: 'In force: the default',
  },
  overrideNote:
    'Values saved here override the environment variables on every server; a value not saved here comes from the environment, else the default.',
  links: 'Links sent by email',
  linksDescription: 'How long each new link works. Links already sent keep their lifetime.',
  fields: {
    selfResetLinkMinutes: 'Password reset link (Forgot password)',
    selfResetLinkMinutesHint: 'Minutes, 5 to 120.',
    adminResetLinkHours: 'Reset link sent by an admin',
    adminResetLinkHoursHint: 'Hours, 1 to 168.',
    invitationLinkHours: 'Invitation link',
    invitationLinkHoursHint: 'Hours, 1 to 720.',
    logoUrl: 'Logo URL',
    logoUrlHint:
      'An https:// address of an image, shown at the top of emails and of the sign-in pages. Leave empty for the name alone.',
  },
};
