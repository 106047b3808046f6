import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

// OpenID Connect puts tokens in query strings too (id_token_hint at end_session, issue 12).
const SECRET_QUERY =
  /([?&](?:token|code|secret|password|id_token_hint|access_token|refresh_token|client_secret|code_verifier)=)[^&]*/gi;

/** Query strings may carry a token (e.g. the reset-status check): it is replaced before anything is logged (SEC-LEAK-01). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** Structured JSON logs with request ids; no cookie, authorization header, body or token ever. */
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
  } as FastifyServerOptions['logger'];
}
