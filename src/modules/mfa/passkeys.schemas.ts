import { z } from 'zod';

/*
 * The WebAuthn JSON shapes (W3C WebAuthn L3 §5.1.8–9, as @simplewebauthn exchanges them): options
 * out, a credential's response in. The library verifies the contents; these bound the sizes and
 * declare every field for the OpenAPI document (only declared properties leave the server).
 */

const Base64Url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

const Transports = z.array(z.string().max(32)).max(8);

const PublicKey = z.literal('public-key');
const UserVerification = z.enum(['required', 'preferred', 'discouraged']);
const Hints = z.array(z.enum(['hybrid', 'security-key', 'client-device']));

const CredentialDescriptor = z.object({
  id: Base64Url(1366),
  type: PublicKey,
  transports: Transports.optional(),
});

export const CreationOptions = z
  .object({
    challenge: z.string(),
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ alg: z.number().int(), type: PublicKey })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(CredentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
        residentKey: z.enum(['required', 'preferred', 'discouraged']).optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: UserVerification.optional(),
      })
      .optional(),
    hints: Hints.optional(),
    attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
    extensions: z.object({ credProps: z.boolean().optional() }).optional(),
  })
  .meta({ id: 'PasskeyCreationOptions', description: 'PublicKeyCredentialCreationOptionsJSON' });

export const RequestOptions = z
  .object({
    challenge: z.string(),
    timeout: z.number().int().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(CredentialDescriptor).optional(),
    userVerification: UserVerification.optional(),
    hints: Hints.optional(),
  })
  .meta({ id: 'PasskeyRequestOptions', description: 'PublicKeyCredentialRequestOptionsJSON' });

/** Only credProps is asked for; other extension outputs are dropped (nothing here reads them). */
const ClientExtensionResults = z.object({
  credProps: z.object({ rk: z.boolean().optional() }).optional(),
});

/** What navigator.credentials.create() answered (RegistrationResponseJSON). */
export const RegistrationResponse = z
  .object({
    id: Base64Url(1366).min(1),
    rawId: Base64Url(1366).min(1),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: Base64Url(4096),
      attestationObject: Base64Url(32768),
      authenticatorData: Base64Url(16384).optional(),
      transports: Transports.optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: Base64Url(16384).optional(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: ClientExtensionResults,
  })
  .meta({ id: 'PasskeyRegistrationResponse' });

/** What navigator.credentials.get() answered (AuthenticationResponseJSON). */
export const AuthenticationResponse = z
  .object({
    id: Base64Url(1366).min(1),
    rawId: Base64Url(1366).min(1),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: Base64Url(4096),
      authenticatorData: Base64Url(16384),
      signature: Base64Url(2048),
      userHandle: Base64Url(128).optional(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: ClientExtensionResults,
  })
  .meta({ id: 'PasskeyAuthenticationResponse' });

export type CreationOptionsJSON = z.infer<typeof CreationOptions>;
export type RequestOptionsJSON = z.infer<typeof RequestOptions>;
