import { countOf, type MessageTemplates } from '../templates.js';

const heures = (n: string | undefined) => countOf('fr', n, { one: 'heure', other: 'heures' });

/** Avis de la vérification en deux étapes (SEC-MFA-09), en français ; repris dans fr.ts. */
export const mfaFr: MessageTemplates<
  | 'mfa_factor_added'
  | 'mfa_factor_removed'
  | 'mfa_recovery_code_used'
  | 'mfa_codes_regenerated'
  | 'mfa_access_reset'
> = {
  mfa_factor_added: (v) => ({
    subject: `Un facteur de connexion a été ajouté à votre compte ${v.org}`,
    paragraphs: [`${v.factor} a été ajouté à la vérification en deux étapes de votre compte.`],
    footer: 'contactAdmin',
  }),
  mfa_factor_removed: (v) => ({
    subject: `Un facteur de connexion a été retiré de votre compte ${v.org}`,
    paragraphs: [`${v.factor} a été retiré de la vérification en deux étapes de votre compte.`],
    footer: 'contactAdmin',
  }),
  mfa_recovery_code_used: (v) => ({
    subject: `Un code de secours a servi à vous connecter à votre compte ${v.org}`,
    paragraphs: [
      'Un code de secours vient de servir à vous connecter à votre compte. Chaque code ne fonctionne qu’une fois.',
      `Il vous reste ${countOf('fr', v.remaining, { one: 'code de secours', other: 'codes de secours' })}. Vous pouvez en créer une nouvelle série dans Mon compte → Vérification en deux étapes.`,
    ],
    footer: 'contactAdmin',
  }),
  mfa_codes_regenerated: (v) => ({
    subject: `Nouveaux codes de secours pour votre compte ${v.org}`,
    paragraphs: [
      'Une nouvelle série de codes de secours a été créée pour votre compte ; les codes précédents ne fonctionnent plus.',
    ],
    footer: 'contactAdmin',
  }),
  mfa_access_reset: (v) => ({
    subject: `Un administrateur a réinitialisé votre connexion à ${v.org}`,
    paragraphs: [
      v.scope === 'all'
        ? 'Un administrateur a supprimé votre mot de passe et votre vérification en deux étapes, et vous a déconnecté partout.'
        : 'Un administrateur a supprimé votre vérification en deux étapes et vous a déconnecté partout.',
      `Motif indiqué\u00a0: ${v.reason}`,
      v.link
        ? `Utilisez le lien ci-dessous pour configurer à nouveau votre connexion. Il fonctionne une fois, sur n’importe quel appareil, pendant ${heures(v.hours)}.`
        : `Votre administrateur vous remettra un lien pour configurer à nouveau votre connexion\u202f; il fonctionne une fois, pendant ${heures(v.hours)}.`,
    ],
    action: { label: 'Configurer ma connexion', url: v.link },
    footer: 'contactAdmin',
  }),
};
