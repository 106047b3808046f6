import { z } from 'zod';
import { BoundedName, NameInput, PlainText } from '../../http/schemas.js';
import { AuthenticationResponse, RegistrationResponse } from './passkeys.schemas.js';

export const FactorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    backedUp: z.boolean().optional().meta({ description: 'Passkeys: synced by its provider (backup state)' }),
  })
  .meta({ id: 'Factor' });

export const FactorList = z
  .object({
    totp: z.array(FactorSchema),
    passkeys: z.array(FactorSchema),
    recoveryCodes: z.object({ remaining: z.number().int(), createdAt: z.string() }).nullable(),
  })
  .meta({ id: 'FactorList' });

export const TotpEnrollment = z
  .object({
    id: z.string(),
    secret: z.string().meta({ description: 'The base32 key, shown this once, for manual entry' }),
    otpauthUri: z.string().meta({ description: 'What the QR code holds' }),
  })
  .meta({ id: 'TotpEnrollment' });

/** A TOTP code (6 digits) or a recovery code (16 characters in groups): the shape is checked by the service. */
export const CodeInput = PlainText(64).min(1);

export const ConfirmBody = z.strictObject({ code: CodeInput });

export const FactorAdded = z
  .object({
    factor: FactorSchema,
    recoveryCodes: z
      .array(z.string())
      .optional()
      .meta({ description: 'With the first factor only: ten single-use codes, shown this once' }),
  })
  .meta({ id: 'FactorAdded' });

export const RecoveryCodes = z.object({ codes: z.array(z.string()) }).meta({ id: 'RecoveryCodes' });

/** The second step of sign-in and the step-up with a factor. */
export const SecondFactorBody = z.discriminatedUnion('method', [
  z.strictObject({ method: z.enum(['totp', 'recovery_code']), code: CodeInput }),
  z.strictObject({ method: z.literal('passkey'), response: AuthenticationResponse }),
]);

/** A new passkey: the authenticator's answer, and a name (else the authenticator's model). */
export const AddPasskeyBody = z.strictObject({
  response: RegistrationResponse,
  name: NameInput.optional(),
});

/** A factor's new name (PATCH /api/v1/me/factors/{id}): 1–64 characters, the rules of every name (SEC-IN-03). */
export const RenameFactorBody = z.strictObject({ name: BoundedName(64) });
