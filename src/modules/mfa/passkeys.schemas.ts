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

const CredentialDescriptor = z.object({
  id: Base64Url(1366),
  type: z.string(),
  transports: Transports.optional(),
});

export const CreationOptions = z
  .object({
    challenge: z.string(),
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ alg: z.number().int(), type: z.string() })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(CredentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.string().optional(),
        residentKey: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.string().optional(),
      })
      .optional(),
    hints: z.array(z.string()).optional(),
    attestation: z.string().optional(),
    extensions: z.object({ credProps: z.boolean().optional() }).optional(),
  })
  .meta({ id: 'PasskeyCreationOptions', description: 'PublicKeyCredentialCreationOptionsJSON' });

export const RequestOptions = z
  .object({
    challenge: z.string(),
    timeout: z.number().int().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(CredentialDescriptor).optional(),
    userVerification: z.string().optional(),
    hints: z.array(z.string()).optional(),
  })
  .meta({ id: 'PasskeyRequestOptions', description: 'PublicKeyCredentialRequestOptionsJSON' });

const ClientExtensionResults = z.record(z.string().max(64), z.unknown());

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
