import { parseSecretKey, SecretBox } from '../src/shared/secret-box.js';

/** A fixed test key (never a deployment's): the in-process apps seal stored secrets with it. */
export const TEST_SECRET_KEY = 'dGVzdC1vbmx5LWtleS1mb3ItZ2F0ZWhvdXNlLXRlc3Q';

export function testSecretBox(): SecretBox {
  return new SecretBox(parseSecretKey(TEST_SECRET_KEY));
}
