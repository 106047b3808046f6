import type { brandingEn } from './branding.en';

/** Les pages hors session au nom de l’organisation (ticket 14) ; repris dans fr.ts. */
export const brandingFr: typeof brandingEn = {
  pageTitle: '{{title}} · {{organization}}',
};
