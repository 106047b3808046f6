import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { commonErrors } from '../shared/common.errors.js';
import { isDatabaseBusy, isStorageFull } from '../shared/database-errors.js';
import { isAppError, type AppError } from '../shared/errors.js';
import { staticSecurityHeaders } from './security-headers.js';
import { describeIssue, sentence } from './validation-messages.js';

/** The part of the request a validation error is about, as submitted. */
function submittedPart(request: FastifyRequest, part: string): unknown {
  if (part === 'body') return request.body;
  if (part === 'querystring') return request.query;
  if (part === 'params') return request.params;
  if (part === 'headers') return request.headers;
  return undefined;
}

function valueAtPath(value: unknown, path: PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const pathOf = (instancePath: unknown) => String(instancePath).split('/').filter(Boolean);

function send(
  reply: FastifyReply,
  error: AppError,
  details?: Array<{ path: string; field: string; message: string }>,
  field?: string,
) {
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        code: error.code,
        message: error.message,
        ...(field ? { field } : {}),
        ...(details ? { details } : {}),
      },
    });
}

/** Fastify's own request errors, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: commonErrors.payload_too_large,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: commonErrors.unsupported_media_type,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: commonErrors.malformed_json,
  FST_ERR_CTP_EMPTY_JSON_BODY: commonErrors.malformed_json,
  FST_ERR_CTP_INVALID_JSON_BODY: commonErrors.malformed_json,
  FST_ERR_BAD_URL: commonErrors.not_found,
  FST_ERR_ASYNC_CONSTRAINT: commonErrors.not_found,
  FST_ERR_MAX_PARAM_LENGTH: commonErrors.validation_failed,
};

/**
 * Fastify answers a few malformed URLs before routing (bad percent-encoding, a path parameter over
 * maxParamLength) with its own body, which echoes the URL. Passed as the `frameworkErrors` option,
 * this keeps them in the one error shape (SEC-IN-05).
 */
export function sendFrameworkError(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  void send(reply, (mapped ?? commonErrors.validation_failed)());
}

/**
 * Requests Node's HTTP parser refuses (a malformed request line or header, Content-Length together
 * with Transfer-Encoding, a body cut short, headers over the size limit, a request too slow to
 * arrive) never reach routing or hooks. Passed as Fastify's `clientErrorHandler`, this answers them
 * in the one error shape with the security headers too (SEC-IN-05, SEC-HDR-01), then closes the
 * connection as Node would.
 */
export function clientErrorHandler(options: { https: boolean }) {
  return (err: Error & { code?: string }, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const error =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? commonErrors.request_timeout()
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? commonErrors.headers_too_large()
          : commonErrors.validation_failed('The request is not valid HTTP.');
    const body = JSON.stringify({ error: { code: error.code, message: error.message } });
    const headers = {
      ...staticSecurityHeaders(options),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    };
    if (socket.writable) {
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${lines.join('')}\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}

/** Connection-level failures (a PostgreSQL restart, a refused connection): retryable, so 503 not 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
function isDatabaseUnavailable(err: { code?: string; message?: string }): boolean {
  return (
    (err.code !== undefined && UNAVAILABLE_CODES.has(err.code)) ||
    isDatabaseBusy(err) ||
    /Connection terminated/i.test(err.message ?? '')
  );
}

export interface ErrorHandlingOptions {
  /** Told of a write refused for a full disk (logged once per episode there, reported on /readyz). */
  onStorageFull?: (error: unknown) => void;
}

/**
 * The one error handler: catalogue errors keep their status and code; validation errors name the
 * field; everything unexpected becomes a generic 500 whose details stay in the log (SEC-IN-05).
 */
export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions = {}): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isAppError(err)) return send(reply, err);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const part = err.validationContext ?? 'body';
      const submitted = submittedPart(request, part);
      const valueAt = (path: PropertyKey[]) => valueAtPath(submitted, path);
      const details = err.validation.flatMap((v) =>
        describeIssue(
          { ...(v.params as object), code: v.keyword, message: v.message, path: pathOf(v.instancePath) },
          valueAt,
        ).map((d) => ({
          path: [part, ...(d.field ? [d.field] : [])].join('.'),
          field: d.field,
          message: sentence(part, d),
        })),
      );
      const first = details[0];
      return send(reply, commonErrors.validation_failed(first?.message), details, first?.field);
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return send(reply, mapped());
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return send(reply, commonErrors.malformed_json());
    }
    if (err.statusCode === 429) return send(reply, commonErrors.rate_limited());
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return send(reply, commonErrors.validation_failed());
    }
    if (isStorageFull(err)) {
      options.onStorageFull?.(err);
      return send(reply, commonErrors.storage_full());
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ code: err.code }, 'database unavailable');
      return send(reply, commonErrors.service_unavailable().withRetryAfter(5));
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, commonErrors.internal_error());
  });

  app.setNotFoundHandler((_request, reply) => send(reply, commonErrors.not_found()));
}
