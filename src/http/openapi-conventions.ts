/**
 * Every OpenAPI operation gets an operationId, the name a generated client gives its function. A
 * route may declare its own (`schema.operationId`); otherwise it is derived from the method and the
 * path, so it is stable (it changes only when the route does), camelCase and unique (method and path
 * are): `GET /api/v1/users/:id/sessions` → `getUsersByIdSessions`, `POST /api/v1/auth/sign-in` →
 * `postAuthSignIn`.
 */
const pascal = (word: string) =>
  word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export function deriveOperationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v\d+\//, '/')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `By${pascal(segment.slice(1))}` : pascal(segment)));
  return `${method.toLowerCase()}${words.join('')}`;
}

type JsonSchema = { [key: string]: unknown };

const EMAIL_PROPERTY = /^(email|[a-z]+Email)$/;

/**
 * Every property that holds an email address (`email`, `newEmail`, `pendingEmail`, …) is
 * `format: email` in the document, in requests and answers alike, whichever module declared it:
 * generated clients and form builders then know what the string is. The server's validation is
 * EmailInput's, not this annotation's.
 */
export function markEmailFormats(node: unknown, key?: string): void {
  if (Array.isArray(node)) {
    for (const item of node) markEmailFormats(item, key);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  if (key && EMAIL_PROPERTY.test(key) && schema.type === 'string' && schema.format === undefined) {
    schema.format = 'email';
  }
  for (const [name, value] of Object.entries(schema)) {
    if (name === 'properties' && value && typeof value === 'object') {
      for (const [property, child] of Object.entries(value as JsonSchema)) markEmailFormats(child, property);
    } else if (name === 'anyOf' || name === 'oneOf' || name === 'allOf') {
      // A nullable email is `anyOf: [{type: string}, {type: null}]`: the string member is the address.
      markEmailFormats(value, key);
    } else if (typeof value === 'object') {
      markEmailFormats(value);
    }
  }
}
