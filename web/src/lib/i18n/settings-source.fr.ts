import type { settingsSourceEn } from './settings-source.en';

/** Réglages : d’où vient chaque valeur, durée des liens et image de marque (ticket 14) ; repris dans fr.ts. */
export const settingsSourceFr: typeof settingsSourceEn = {
  source: {
    database: 'En vigueur\u00a0: enregistrée ici (remplace l’environnement)',
    environment: 'En vigueur\u00a0: issue de l’environnement',
    default: 'En vigueur\u00a0: valeur par défaut',
  },
  overrideNote:
    'Les valeurs enregistrées ici remplacent les variables d’environnement sur tous les serveurs\u202f; une valeur non enregistrée ici vient de l’environnement, sinon de la valeur par défaut.',
  links: 'Liens envoyés par courriel',
  linksDescription: 'Durée de validité de chaque nouveau lien. Les liens déjà envoyés gardent la leur.',
  fields: {
    selfResetLinkMinutes: 'Lien de réinitialisation (mot de passe oublié)',
    selfResetLinkMinutesHint: 'Minutes, de 5 à 120.',
    adminResetLinkHours: 'Lien de réinitialisation envoyé par un administrateur',
    adminResetLinkHoursHint: 'Heures, de 1 à 168.',
    invitationLinkHours: 'Lien d’invitation',
    invitationLinkHoursHint: 'Heures, de 1 à 720.',
    logoUrl: 'Adresse du logo',
    logoUrlHint:
      'L’adresse (en https) d’une image, affichée en tête des courriels et des pages de connexion. Laissez vide pour le nom seul.',
  },
};
