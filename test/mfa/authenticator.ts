import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

/*
 * A software WebAuthn authenticator for tests only: one ES256 (P-256) credential, "none" attestation,
 * real CBOR and real signatures, so the server's @simplewebauthn checks run as against a device.
 * Every knob a test needs to misbehave: another origin or RP ID, no user verification, any counter.
 * (npm has no maintained helper for this; @simplewebauthn exports none in its public API.)
 */

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export interface CreationOptionsJSON {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: Array<{ id: string }>;
}

export interface RequestOptionsJSON {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
}

export interface Behaviour {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  /** Overrides the counter this answer carries (the authenticator's own count moves on otherwise). */
  counter?: number;
}

/** The AAGUID of Chrome's virtual authenticator is all zeros; this one is "Google Password Manager". */
export const GOOGLE_PASSWORD_MANAGER = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  private userHandle: string | null = null;
  counter = 0;

  constructor(
    readonly defaults: { origin: string; rpId: string },
    readonly options: { aaguid?: string; backedUp?: boolean; startCounter?: number } = {},
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    this.counter = options.startCounter ?? 0;
  }

  get id(): string {
    return b64(this.credentialId);
  }

  private flags(userVerified: boolean, attested: boolean): number {
    const backedUp = this.options.backedUp ?? false;
    // UP, UV, BE (backup eligible), BS (backed up), AT (attested credential data).
    return 0x01 | (userVerified ? 0x04 : 0) | (backedUp ? 0x08 | 0x10 : 0) | (attested ? 0x40 : 0);
  }

  private authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Uint8Array {
    const head = Buffer.alloc(37);
    sha256(rpId).copy(head, 0);
    head.writeUInt8(flags, 32);
    head.writeUInt32BE(counter >>> 0, 33);
    return attested ? Buffer.concat([head, attested]) : head;
  }

  /** navigator.credentials.create(): refuses, as a device does, when its credential is excluded. */
  create(options: CreationOptionsJSON, behaviour: Behaviour = {}) {
    if (options.excludeCredentials?.some((c) => c.id === this.id))
      throw new Error('InvalidStateError: the authenticator already holds a credential for this account');
    const origin = behaviour.origin ?? this.defaults.origin;
    const rpId = behaviour.rpId ?? options.rp.id ?? this.defaults.rpId;
    this.userHandle = options.user.id;
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }),
    );
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, isoBase64URL.toBuffer(this.publicJwk.x)],
        [-3, isoBase64URL.toBuffer(this.publicJwk.y)],
      ]),
    );
    const aaguid = Buffer.from(
      (this.options.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''),
      'hex',
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([aaguid, idLength, this.credentialId, cose]);
    const authData = this.authData(
      rpId,
      this.flags(behaviour.userVerified ?? true, true),
      this.counter,
      attested,
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as Parameters<typeof isoCBOR.encode>[0],
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64(clientDataJSON),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): signs authenticatorData ‖ SHA-256(clientDataJSON) with its key. */
  get(options: RequestOptionsJSON, behaviour: Behaviour = {}) {
    const origin = behaviour.origin ?? this.defaults.origin;
    const rpId = behaviour.rpId ?? options.rpId ?? this.defaults.rpId;
    // A device with a counter counts each use; a synced passkey reports 0 every time.
    if (behaviour.counter === undefined && this.options.startCounter !== undefined) this.counter += 1;
    const counter = behaviour.counter ?? this.counter;
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }),
    );
    const authData = this.authData(rpId, this.flags(behaviour.userVerified ?? true, false), counter);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }
}
