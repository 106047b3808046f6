/** Écrans des clés d’accès (issue 13), en français ; repris dans fr.ts sous `passkeys`, les codes d’erreur sous `errors`. */
export const passkeysFr = {
  title: 'Clés d’accès',
  description:
    'Connectez-vous avec votre empreinte, votre visage ou le code de votre appareil au lieu d’un code, ou sans mot de passe.',
  none: 'Aucune clé d’accès pour l’instant.',
  add: 'Ajouter une clé d’accès',
  nameLabel: 'Nom (facultatif)',
  nameHint: 'Laissez vide pour reprendre le nom de votre appareil ou gestionnaire de mots de passe.',
  create: 'Créer la clé d’accès',
  added: 'Clé d’accès ajoutée.',
  removed: 'Clé d’accès supprimée.',
  removeConfirm: 'Supprimer la clé d’accès « {{name}} » ? Elle ne vous connectera plus.',
  synced: 'synchronisée',
  thisDevice: 'sur cet appareil seulement',
  notSupported: 'Ce navigateur ne prend pas en charge les clés d’accès.',
  cancelled: 'La clé d’accès n’a pas été créée : la demande a été annulée ou a expiré.',
  alreadyOnDevice: 'Cet appareil détient déjà une clé d’accès pour votre compte.',
  signIn: 'Se connecter avec une clé d’accès',
  signInCancelled:
    'Aucune clé d’accès n’a été utilisée. Réessayez, ou connectez-vous avec votre mot de passe.',
  or: 'ou',
  secondStepDescription: 'Utilisez votre clé d’accès pour terminer la connexion.',
  usePasskey: 'Utiliser votre clé d’accès',
  methodPasskey: 'Utiliser une clé d’accès',
  reauthWithPasskey: 'Confirmer avec une clé d’accès',
  enrollRequired: 'Votre rôle exige une clé d’accès. Ajoutez-en une pour continuer.',
};

export const passkeysErrorsFr = {
  invalid_passkey_response: 'La clé d’accès n’a pas pu être vérifiée. Réessayez.',
  passkey_already_registered: 'Cette clé d’accès est déjà enregistrée.',
  passkey_required: 'Votre rôle exige une clé d’accès : ajoutez-en une autre avant de supprimer celle-ci.',
};
