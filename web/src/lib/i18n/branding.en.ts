/** The signed-out pages under the organization's name (issue 14); spread into en.ts. */
export const brandingEn = {
  pageTitle: '{{title}} · {{organization}}',
};
