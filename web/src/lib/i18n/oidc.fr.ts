import type { oidcEn, oidcErrorsEn } from './oidc.en';

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const oidcFr: Strings<typeof oidcEn> = {
  apps: {
    title: 'Applications',
    description: 'Les applications qui connectent les personnes avec leur compte Gatehouse (OpenID Connect).',
    add: 'Ajouter une application',
    empty: 'Aucune application pour l’instant.',
    name: 'Nom',
    type: 'Type',
    types: {
      web: 'Application web (côté serveur)',
      spa: 'Application monopage',
      native: 'Application native ou en ligne de commande',
      service: 'Service (sans utilisateurs)',
    },
    redirectUris: 'URI de redirection',
    redirectUrisHint: 'Une par ligne, comparée à l’identique. https, ou http sur localhost.',
    redirectUriInvalid: 'URI de redirection refusée par Gatehouse\u00a0: {{uri}}',
    postLogoutUris: 'URI de redirection après déconnexion',
    backchannelUri: 'URI de déconnexion back-channel',
    backchannelHint:
      'Où Gatehouse signale à l’application qu’une personne s’est déconnectée ou a perdu l’accès.',
    allowedRoles: 'Rôles autorisés',
    firstParty: 'Notre propre application\u00a0: pas de page de consentement',
    firstPartyBadge: 'Application interne',
    create: 'Créer l’application',
    cancel: 'Annuler',
    created: '{{name}} est enregistrée. Configurez-la avec ces valeurs.',
    issuer: 'Émetteur',
    clientId: 'ID client',
    clientSecret: 'Secret client',
    newSecret: 'Nouveau secret client (l’ancien reste valable 24 heures)',
    secretOnce: 'Copiez le secret maintenant\u00a0: il n’est affiché qu’une fois.',
    done: 'Terminé',
    actions: 'Actions',
    disabled: 'Désactivée',
    disable: 'Désactiver',
    enable: 'Activer',
    rotateSecret: 'Nouveau secret',
    edit: {
      action: 'Modifier',
      title: 'Modifier {{name}}',
      signingAlg: 'Algorithme de signature des jetons d’identité',
      signingAlgs: {
        ES256: 'ES256 (recommandé)',
        RS256: 'RS256 (pour les applications qui ne savent pas vérifier ES256)',
      },
      save: 'Enregistrer les modifications',
      saved: '{{name}} est enregistrée.',
      noRoles: 'Choisissez au moins un rôle.',
      secretTitle: 'Secret client',
      secretDescription:
        'Le nouveau secret n’est affiché qu’une fois. L’ancien reste valable le nombre d’heures choisi, le temps de redéployer l’application.',
      overlapHours: 'Validité de l’ancien secret (heures)',
      rotate: 'Créer un nouveau secret',
    },
    connected: {
      title: 'Applications connectées',
      description: 'Les applications auxquelles vous vous êtes connecté avec votre compte Gatehouse.',
      none: 'Aucune application connectée.',
      disconnect: 'Déconnecter',
    },
  },
  consent: {
    title: 'Autoriser {{app}}\u202f?',
    description: '{{app}} souhaite vous connecter avec votre compte Gatehouse ({{email}}).',
    scopesIntro: 'L’application pourra voir\u00a0:',
    scopes: {
      openid: 'L’identifiant de votre compte',
      profile: 'Votre nom et votre langue',
      email: 'Votre adresse e-mail',
      roles: 'Votre rôle',
      offline_access: 'Votre compte en votre absence, jusqu’à ce que vous la déconnectiez dans Mon compte',
    },
    allow: 'Autoriser',
    deny: 'Refuser',
    leaving: 'Retour vers {{app}}…',
  },
  reauth: {
    title: 'Confirmez votre identité',
    description:
      'L’application à laquelle vous vous connectez vous demande de saisir à nouveau votre mot de passe.',
    password: 'Mot de passe',
    submit: 'Continuer',
    leaving: 'Retour vers l’application…',
  },
};

export const oidcErrorsFr: Strings<typeof oidcErrorsEn> = {
  app_not_found: 'Cette application n’existe pas ou est désactivée.',
  app_redirect_uri_invalid:
    'Chaque URI de redirection doit être une adresse https absolue (http seulement sur localhost), sans * ni #\u202f; les schémas personnalisés sont réservés aux applications natives.',
  app_post_logout_redirect_uri_invalid:
    'Chaque URI de redirection après déconnexion doit être une adresse https absolue (http seulement sur localhost).',
  app_backchannel_logout_uri_invalid:
    'L’URI de déconnexion back-channel doit être une adresse https absolue (http seulement sur localhost).',
  app_redirect_uris_required:
    'Une application qui connecte des personnes a besoin d’au moins une URI de redirection.',
  app_has_no_secret: 'Seules les applications web et de service ont un secret client.',
  app_not_connected: 'Vous n’avez pas connecté cette application.',
  interaction_not_found:
    'Cette demande de connexion a expiré ou a déjà servi. Recommencez depuis l’application.',
};
