import { countOf, inviterNote, type LocaleCatalogue } from '../templates.js';
import { mfaFr } from './mfa.fr.js';

const minutes = (n: string | undefined) => countOf('fr', n, { one: 'minute', other: 'minutes' });
const heures = (n: string | undefined) => countOf('fr', n, { one: 'heure', other: 'heures' });

/**
 * Français. Typographie : espace insécable avant « : », espace fine insécable avant « ; ? ! » et à
 * l’intérieur des guillemets (\u00a0, \u202f), comme dans la console.
 */
const fr: LocaleCatalogue = {
  name: 'Français',
  labelSeparator: '\u00a0: ',
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  signature: (org) => `— ${org}`,
  ignore: 'Si vous n’attendiez pas ce message, vous pouvez l’ignorer.',
  contactAdmin: 'Si ce n’était pas vous, contactez immédiatement votre administrateur.',
  roles: { admin: 'Administrateur', member: 'Membre', viewer: 'Lecteur' },
  templates: {
    ...mfaFr,
    password_reset: (v) => ({
      subject: `Réinitialisez votre mot de passe ${v.org}`,
      paragraphs: [
        `Quelqu’un a demandé à réinitialiser le mot de passe de votre compte ${v.org}. Utilisez le lien ci-dessous pour en choisir un nouveau.`,
        `Le lien ne fonctionne qu’une fois et expire dans ${minutes(v.minutes)}.`,
      ],
      action: { label: 'Choisir un nouveau mot de passe', url: v.link },
      footer: 'ignore',
    }),
    admin_reset_link: (v) => ({
      subject: `Définissez un nouveau mot de passe pour ${v.org}`,
      paragraphs: [
        `Un administrateur vous demande de définir un nouveau mot de passe pour votre compte ${v.org}.`,
        `Le lien ne fonctionne qu’une fois et expire dans ${heures(v.hours)}.`,
      ],
      action: { label: 'Définir un nouveau mot de passe', url: v.link },
      footer: 'contactAdmin',
    }),
    invitation: (v) => ({
      subject: `${v.inviter} vous invite à rejoindre ${v.org}`,
      paragraphs: [
        `${v.inviter} vous invite à rejoindre ${v.org} avec le rôle ${v.role}.`,
        `Acceptez l’invitation pour choisir votre nom et votre mot de passe. Le lien expire dans ${heures(v.hours)}.`,
        ...inviterNote(v.message, `${v.inviter} a ajouté un mot\u00a0:`),
      ],
      action: { label: 'Accepter l’invitation', url: v.link },
      footer: 'ignore',
    }),
    admin_password_reset: (v) => ({
      subject: `Votre mot de passe ${v.org} a été réinitialisé par un administrateur`,
      paragraphs: [
        'Un administrateur a défini un mot de passe temporaire pour votre compte et vous a déconnecté partout.',
        'Il vous le communiquera\u202f; à votre prochaine connexion, vous choisirez votre propre mot de passe.',
      ],
      action: { label: 'Se connecter', url: v.signInUrl },
      footer: 'contactAdmin',
    }),
    password_changed: (v) => ({
      subject: `Votre mot de passe ${v.org} a été modifié`,
      paragraphs: [
        'Le mot de passe de votre compte vient d’être modifié et vos autres sessions ont été fermées.',
      ],
      footer: 'contactAdmin',
    }),
    password_reset_completed: (v) => ({
      subject: `Votre mot de passe ${v.org} a été réinitialisé`,
      paragraphs: [
        'Votre mot de passe a été réinitialisé avec un lien et toutes vos sessions ont été fermées.',
      ],
      action: { label: 'Se connecter', url: v.signInUrl },
      footer: 'contactAdmin',
    }),
    role_changed: (v) => ({
      subject: `Votre rôle dans ${v.org} a changé`,
      paragraphs: [`Votre rôle est passé de ${v.from} à ${v.to}.`],
      footer: 'contactAdmin',
    }),
    deactivated: (v) => ({
      subject: `Votre compte ${v.org} a été désactivé`,
      paragraphs: [
        'Un administrateur a désactivé votre compte. Vous ne pouvez plus vous connecter. Réinitialiser votre mot de passe n’y changera rien.',
        v.by
          ? `Pour retrouver l’accès, demandez à ${v.by} ou à un autre administrateur de ${v.org} de réactiver votre compte.`
          : `Pour retrouver l’accès, demandez à un administrateur de ${v.org} de réactiver votre compte.`,
      ],
      footer: 'contactAdmin',
    }),
    lockout: (v) => ({
      subject: `Connexion à ${v.org} bloquée quelques minutes`,
      paragraphs: [
        `Trop de tentatives de connexion ont échoué sur votre compte\u202f; il est bloqué pendant ${minutes(v.minutes)}.`,
        v.earlierLink
          ? 'Si c’était vous, patientez puis réessayez, ou utilisez le lien de réinitialisation que nous vous avons envoyé\u00a0: il est toujours valable. Si vous ne l’avez plus, demandez-en un nouveau avec le lien ci-dessous.'
          : `Si c’était vous, patientez puis réessayez, ou choisissez un nouveau mot de passe avec le lien ci-dessous (valable une fois, ${minutes(v.linkMinutes ?? '30')}).`,
      ],
      action: {
        label: v.earlierLink ? 'Demander un nouveau lien' : 'Choisir un nouveau mot de passe',
        url: v.link,
      },
      footer: 'contactAdmin',
    }),
    token_created: (v) => ({
      subject: `Un nouveau jeton d’API a été créé pour votre compte ${v.org}`,
      paragraphs: [
        `Un jeton d’API nommé «\u202f${v.tokenName}\u202f» (${v.prefix}…) vient d’être créé pour votre compte.`,
      ],
      footer: 'contactAdmin',
    }),
    email_change_confirm: (v) => ({
      subject: `Confirmez votre nouvelle adresse ${v.org}`,
      paragraphs: [
        `Vous avez demandé à utiliser ${v.newEmail} pour votre compte ${v.org}. Confirmez-la avec le lien ci-dessous\u202f; jusque-là, votre compte garde ${v.oldEmail}.`,
        `Le lien est valable une fois et expire dans ${heures(v.hours)}.`,
      ],
      action: { label: 'Confirmer cette adresse', url: v.link },
      footer: 'ignore',
    }),
    email_verify: (v) => ({
      subject: `Confirmez votre adresse ${v.org}`,
      paragraphs: [
        `Un administrateur a remplacé l’adresse de votre compte ${v.org} par ${v.newEmail}. Confirmez avec le lien ci-dessous qu’elle vous parvient.`,
        `Le lien est valable une fois et expire dans ${heures(v.hours)}.`,
      ],
      action: { label: 'Confirmer cette adresse', url: v.link },
      footer: 'contactAdmin',
    }),
    email_changed: (v) => ({
      subject: `L’adresse de votre compte ${v.org} change`,
      paragraphs: [
        v.byAdmin
          ? `Un administrateur a remplacé l’adresse de votre compte ${v.org}, ${v.oldEmail}, par ${v.newEmail}. Les courriels du compte y sont désormais envoyés.`
          : `Une personne connectée à votre compte ${v.org} a demandé à remplacer son adresse par ${v.newEmail}. Elle ne change que lorsqu’un lien envoyé à cette adresse est utilisé.`,
      ],
      footer: 'contactAdmin',
    }),
    test: (v) => ({
      subject: `${v.org}\u00a0: message de test`,
      paragraphs: ['Ceci est un message de test de Gatehouse. L’envoi de courriels fonctionne.'],
    }),
  },
};

export default fr;
