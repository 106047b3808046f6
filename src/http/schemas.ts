import { z } from 'zod';
import { hasDisguisingCharacters } from '../shared/text.js';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, snake_case error code.' }),
      message: z.string(),
      field: z
        .string()
        .optional()
        .meta({ description: 'validation_failed: the first field the request got wrong (e.g. `role`).' }),
      details: z
        .array(z.object({ path: z.string(), field: z.string().optional(), message: z.string() }))
        .optional()
        .meta({ description: 'validation_failed: every problem, each naming its field and the rule.' }),
    }),
  })
  .meta({ id: 'Error' });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation_failed, malformed_json, or a domain code such as password_too_short).',
  401: 'Not signed in, or the credentials are wrong.',
  403: 'Forbidden (forbidden, cross_site_request, password_change_required, session_required).',
  404: 'Not found.',
  409: 'Conflict with the current state.',
  413: 'Body too large.',
  415: 'Body is not application/json.',
  429: 'Too many requests.',
};

/** The error responses a route can give, each with the one error shape. */
export function errorResponses(...statuses: number[]) {
  const all = [...new Set([...statuses, 500])];
  return Object.fromEntries(all.map((s) => [s, describedError(s)]));
}

/**
 * One described error schema per status, shared by every route: the response serializer is compiled
 * once per schema (src/http/serializer.ts), not once per route and status.
 */
const describedErrors = new Map<number, ReturnType<typeof ErrorBody.describe>>();
function describedError(status: number) {
  let schema = describedErrors.get(status);
  if (!schema) {
    schema = ErrorBody.describe(ERROR_DESCRIPTIONS[status] ?? 'Unexpected server error (details hidden).');
    describedErrors.set(status, schema);
  }
  return schema;
}

/** Errors every authenticated JSON route can give besides its own. */
export const AUTHED_ERRORS = [400, 401, 403, 415] as const;

export const Empty = z.null().describe('No content');

/** No NUL, CR, LF or other control characters: names and emails end up in mail headers (SEC-IN-03). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Free text from a path or query string (ids, search terms, filters): bounded and free of control
 * characters, since PostgreSQL refuses NUL in text and would otherwise answer 500 (SEC-IN-05).
 */
export const PlainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !CONTROL.test(v), { error: 'must not contain control characters' });

export const IdParams = z.strictObject({ id: PlainText(64).min(1) });

export const EmailInput = z
  .string()
  .max(254)
  .refine((v) => !CONTROL.test(v), { error: 'must not contain control characters' })
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.email({ error: 'must be an email address' }).max(254));

/** A name of at most `max` characters, trimmed, that is what it looks like (SEC-IN-03). */
export const BoundedName = (max: number) =>
  z
    .string()
    // Before trimming, which would quietly drop a leading U+FEFF instead of refusing it.
    .refine((v) => !hasDisguisingCharacters(v), {
      error: 'must not contain bidirectional overrides or zero-width characters',
    })
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !CONTROL.test(v), { error: 'must not contain control characters' });

/** A person's or the organization's name: shown in lists and mail headers, so it must be what it looks like. */
export const NameInput = BoundedName(200);

/** Passwords are checked by the policy (with its own codes), so the schema only bounds the size. */
export const PasswordInput = z.string().min(1).max(4096);

export const RoleInput = z.enum(['admin', 'member', 'viewer']);
