import type { userlistEn, userlistErrorsEn } from './userlist.en';

/**
 * Gérer les utilisateurs : une seule liste de personnes, actions groupées, vérification en deux étapes
 * d’un coup d’œil et Réinitialiser l’accès (tickets 14 et 13). Typographie française : espace insécable
 * avant le deux-points, espace fine insécable avant ; ? ! et à l’intérieur des guillemets.
 */
export const userlistFr: typeof userlistEn = {
  countUsers_one: '{{total}} utilisateur',
  countUsers_other: '{{total}} utilisateurs',
  countInvited_one: '{{total}} invité',
  countInvited_other: '{{total}} invités',
  count: '{{users}}, {{invited}}',
  matchingUsers_one: '{{total}} utilisateur correspondant',
  matchingUsers_other: '{{total}} utilisateurs correspondants',
  added: 'Ajout',
  invitedBadge: 'Invité',
  invitedBy: 'Invité par {{name}}',
  select: 'Sélectionner {{name}}',
  selectPage: 'Sélectionner toute la page',
  selected_one: '{{count}} sélectionné',
  selected_other: '{{count}} sélectionnés',
  clearSelection: 'Effacer la sélection',
  bulkLabel: 'Actions sur les personnes sélectionnées',
  twoStep: {
    column: 'Deux étapes',
    on: 'Vérification en deux étapes activée',
    off: 'Vérification en deux étapes désactivée',
    filter: 'Vérification en deux étapes',
    any: 'Activée ou non',
    enabled: 'Activée',
    disabled: 'Désactivée',
  },
  bulk: {
    resend: 'Renvoyer les invitations',
    revoke: 'Révoquer les invitations',
    role: 'Changer le rôle',
    deactivate: 'Désactiver',
    resendTitle_one: 'Renvoyer {{count}} invitation ?',
    resendTitle_other: 'Renvoyer {{count}} invitations ?',
    resendBody:
      'Chaque personne invitée reçoit un nouvel e-mail avec un nouveau lien ; l’ancien lien cesse de fonctionner.',
    revokeTitle_one: 'Révoquer {{count}} invitation ?',
    revokeTitle_other: 'Révoquer {{count}} invitations ?',
    revokeBody:
      'Leurs liens cessent de fonctionner immédiatement. Vous pourrez les inviter de nouveau plus tard.',
    roleTitle_one: 'Changer le rôle de {{count}} utilisateur ?',
    roleTitle_other: 'Changer le rôle de {{count}} utilisateurs ?',
    roleBody:
      'Le changement s’applique tout de suite, dès leur prochaine requête. Chacun d’eux en est informé par e-mail.',
    newRole: 'Nouveau rôle',
    deactivateTitle_one: 'Désactiver {{count}} utilisateur ?',
    deactivateTitle_other: 'Désactiver {{count}} utilisateurs ?',
    deactivateBody:
      'Ils sont déconnectés partout immédiatement et ne peuvent plus se connecter avant d’être réactivés ; leurs jetons d’API sont révoqués.',
    skipped_one: '{{count}} ligne sélectionnée n’est pas concernée et est laissée de côté.',
    skipped_other: '{{count}} lignes sélectionnées ne sont pas concernées et sont laissées de côté.',
    failed: 'Rien n’a été modifié',
    resultTitle: 'Terminé',
    succeeded_one: '{{count}} effectué.',
    succeeded_other: '{{count}} effectués.',
    refused_one: '{{count}} refusé :',
    refused_other: '{{count}} refusés :',
    refusedItem: '{{name}} : {{reason}}',
  },
  own: {
    reason: 'C’est votre propre compte : changez votre mot de passe ou votre statut depuis Mon compte.',
    link: 'Aller à Mon compte',
  },
  resetAccess: {
    menu: 'Réinitialiser l’accès…',
    title: 'Réinitialiser l’accès de {{name}}',
    scope: 'Que réinitialiser',
    scopeFactors: 'La vérification en deux étapes seulement',
    scopeFactorsBody:
      'Supprime ses applications d’authentification, clés d’accès et codes de récupération. Son mot de passe reste.',
    scopeAll: 'Tout : mot de passe et facteurs',
    scopeAllBody: 'Supprime aussi son mot de passe ; il en choisira un nouveau avec le lien.',
    reason: 'Motif',
    reasonHint: 'Consigné dans le journal d’audit et indiqué à {{name}} dans l’e-mail.',
    reasonRequired: 'Indiquez un motif.',
    how: 'Comment doit-il recevoir le lien ?',
    send: 'Envoyer le lien par e-mail',
    sendBody: 'Gatehouse l’envoie à {{email}}.',
    copy: 'Copier le lien',
    copyBody: 'Vous le transmettez vous-même ; il fonctionne une fois, sur n’importe quel appareil.',
    whatHappens: 'Ce qui va se passer',
    consequences: {
      signedOut: '{{name}} est déconnecté partout ; ses jetons d’API sont révoqués.',
      notified:
        'Il reçoit un e-mail indiquant qu’un administrateur a réinitialisé son accès, avec votre motif.',
      link: 'Un lien à usage unique lui permet de configurer de nouveau son compte dans les 24 heures.',
    },
    submit: 'Réinitialiser l’accès',
    failed: 'L’accès n’a pas été réinitialisé',
    done: 'L’accès a été réinitialisé',
    sentBody: 'Le lien a été envoyé à {{email}}. Il fonctionne une fois, jusqu’au {{until}}.',
    linkBody:
      'Donnez ce lien à {{name}}. Il fonctionne une fois, sur n’importe quel appareil, jusqu’au {{until}}.',
    link: 'Lien de configuration',
    linkOnce: 'Ce lien n’est affiché que maintenant.',
    noSecret: 'Vous ne voyez jamais ses facteurs : lui seul peut en configurer de nouveaux.',
  },
};

export const userlistErrorsFr: typeof userlistErrorsEn = {
  ids_empty: 'Choisissez au moins une personne.',
  ids_too_many: 'Choisissez au plus 500 personnes à la fois.',
  wrong_kind: 'Cette action ne s’applique pas à cette ligne.',
};
