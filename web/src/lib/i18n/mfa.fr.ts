/** Écrans de la vérification en deux étapes (issue 13), en français ; repris dans fr.ts sous `mfa`, les codes d’erreur sous `errors`. */
export const mfaFr = {
  title: 'Vérification en deux étapes',
  description:
    'Une seconde étape après votre mot de passe : un code d’une application d’authentification, ou un code de secours.',
  off: 'La vérification en deux étapes est désactivée.',
  authenticatorApps: 'Applications d’authentification',
  addedOn: 'Ajoutée le {{date}}',
  lastUsed: 'dernière utilisation le {{date}}',
  addApp: 'Ajouter une application d’authentification',
  scanTitle: 'Scannez ce code avec votre application d’authentification',
  scanHint: 'Ou saisissez cette clé dans l’application :',
  qrLabel: 'Code QR pour votre application d’authentification',
  keyLabel: 'Clé',
  codeLabel: 'Code de l’application',
  confirm: 'Confirmer',
  remove: 'Retirer',
  removeConfirm: 'Retirer « {{name}} » ? Ses codes ne vous seront plus demandés.',
  removed: 'Application retirée.',
  added: 'Application ajoutée.',
  recoveryTitle: 'Codes de secours',
  recoveryRemaining_one: 'Il reste {{count}} code de secours.',
  recoveryRemaining_other: 'Il reste {{count}} codes de secours.',
  recoveryShowOnce:
    'Gardez ces codes en lieu sûr : chacun vous connecte une fois si vous perdez votre téléphone. Ils ne sont affichés que maintenant.',
  copyCodes: 'Copier',
  copied: 'Copié',
  downloadCodes: 'Télécharger (.txt)',
  printCodes: 'Imprimer',
  regenerate: 'Nouveaux codes de secours',
  regenerateConfirm:
    'Créer une nouvelle série de codes de secours ? Les codes actuels ne fonctionneront plus.',
  reauthTitle: 'Confirmez votre identité',
  reauthDescription:
    'Pour cette modification, saisissez à nouveau votre mot de passe (votre dernière confirmation date de plus de 10 minutes).',
  reauthPassword: 'Mot de passe',
  reauthSubmit: 'Confirmer',
  secondStepTitle: 'Vérification en deux étapes',
  secondStepDescription: 'Saisissez le code de votre application d’authentification.',
  recoveryDescription: 'Saisissez l’un de vos codes de secours.',
  methodTotp: 'Utiliser mon application d’authentification',
  methodRecovery: 'Utiliser un code de secours',
  recoveryCodeLabel: 'Code de secours',
  verify: 'Vérifier',
  codesFileHeader: 'Codes de secours Gatehouse pour {{email}}. Chaque code ne fonctionne qu’une fois.',
};

export const mfaErrorsFr = {
  mfa_required: 'Terminez la connexion avec votre seconde étape.',
  mfa_enrollment_required: 'Votre rôle exige la vérification en deux étapes : configurez-la d’abord.',
  reauthentication_required: 'Confirmez votre identité pour effectuer cette action.',
  invalid_code: 'Le code n’est pas valide. Vérifiez-le et réessayez.',
  factor_not_found: 'Cette application n’existe plus.',
  no_factor: 'Ajoutez d’abord une application d’authentification.',
  factor_required:
    'Votre rôle exige la vérification en deux étapes : ajoutez un autre facteur avant de retirer celui-ci.',
  invalid_enrollment_link: 'Ce lien n’est pas valide, a déjà servi ou a expiré.',
};
