import type { apiTokensEn, auditToolsEn, firstRunEn, minorAErrorsEn, passwordMeterEn } from './minor-a.en';

/** Issue 14's minor console items, French (see minor-a.en.ts). */
export const passwordMeterFr: typeof passwordMeterEn = {
  notGuessable: 'Difficile à deviner (ni mot courant, ni nom, ni suite prévisible)',
  checking: 'Vérification…',
  forAccount: 'Pour le compte de <strong>{{name}}</strong> ({{email}}).',
};

export const firstRunFr: typeof firstRunEn = {
  checking: 'Vérification du lien d’installation…',
  pendingTitle: 'Installation en attente',
  pendingBody:
    'Gatehouse n’a encore aucun utilisateur. Ouvrez le lien d’installation que le serveur a affiché au démarrage (dans son terminal ou son journal, après « No users yet ») pour créer le premier administrateur.',
  pendingHint:
    'Redémarrer le serveur affiche un nouveau lien ; tout lien affiché reste valable jusqu’à la fin de l’installation.',
  invalidTitle: 'Ce lien d’installation n’est pas valable',
  invalidBody:
    'Vérifiez que vous avez copié le lien en entier, ou utilisez celui du terminal ou du journal du serveur, après « No users yet ».',
  usedTitle: 'Ce lien d’installation a déjà servi',
  usedBody: 'L’installation est terminée : le premier administrateur existe. Connectez-vous avec ce compte.',
  goSignIn: 'Aller à la connexion',
};

export const auditToolsFr: typeof auditToolsEn = {
  actor: 'Auteur',
  actorPlaceholder: 'Une partie d’un nom ou d’une adresse',
  target: 'Cible',
  targetPlaceholder: 'Une partie d’un nom ou d’une adresse',
  until: 'Jusqu’au',
  untilBeforeSince: '« Jusqu’au » ne doit pas précéder « Depuis ».',
  exportLabel: 'Télécharger les événements correspondant à ces filtres',
  exportCsv: 'Télécharger en CSV',
  exportJsonl: 'Télécharger en JSON lines',
  exporting: 'Préparation du téléchargement…',
  exported: 'Téléchargement prêt : {{file}}',
};

export const apiTokensFr: typeof apiTokensEn = {
  new: 'Nouveau jeton d’API',
  name: 'Nom du jeton',
  nameHint: 'À quoi il sert, par exemple « Script de déploiement ».',
  expiry: 'Expire',
  expiries: { '30': 'Dans 30 jours', '90': 'Dans 90 jours', '365': 'Dans un an', never: 'Jamais' },
  create: 'Créer le jeton',
  createdTitle: 'Jeton d’API « {{name}} » créé',
  shownOnce:
    'Copiez-le maintenant : il n’est affiché que cette fois. Envoyez-le dans l’en-tête Authorization, après « Bearer ».',
  secret: 'Votre nouveau jeton d’API',
};

export const minorAErrorsFr: typeof minorAErrorsEn = {
  password_too_weak:
    'Ce mot de passe est trop facile à deviner : c’est un mot courant, un nom ou une suite prévisible. Ajoutez des mots, ou des caractères qui ne suivent pas de motif.',
};
