import type { Executor } from '../../db/db.js';
import { preparedQuery } from '../../db/prepared.js';

/**
 * Sign-in's one read (issue 13's performance target): the account by its email, hash included, and
 * which second factors it has, in one statement instead of three (the user, then the active factors,
 * then the unused recovery codes, each a round trip on PostgreSQL). A read model over the users and
 * mfa tables like the request guard's (docs/adr/0003): only reads; what a factor means stays with
 * the mfa module (`mfa.signInRequirement`), what a user row means with users (`credentialsFromRow`).
 *
 * It runs before the password is checked, for every address alike (an unknown one finds no row), so
 * what a correct password leads to is decided on what the account had when the attempt began.
 */
export const credentialsAndFactors = preparedQuery((exec: Executor, email: string) =>
  exec
    .selectFrom('users')
    .selectAll('users')
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('mfaFactors')
            .select('mfaFactors.id')
            .whereRef('mfaFactors.userId', '=', 'users.id')
            .where('mfaFactors.status', '=', 'active')
            .where('mfaFactors.kind', '=', 'totp'),
        )
        .as('hasTotp'),
      eb
        .exists(
          eb
            .selectFrom('mfaFactors')
            .select('mfaFactors.id')
            .whereRef('mfaFactors.userId', '=', 'users.id')
            .where('mfaFactors.status', '=', 'active')
            .where('mfaFactors.kind', '=', 'passkey'),
        )
        .as('hasPasskey'),
      eb
        .exists(
          eb
            .selectFrom('mfaRecoveryCodes')
            .select('mfaRecoveryCodes.id')
            .whereRef('mfaRecoveryCodes.userId', '=', 'users.id')
            .where('mfaRecoveryCodes.usedAt', 'is', null),
        )
        .as('hasRecoveryCodes'),
    ])
    .where('users.email', '=', email),
);
