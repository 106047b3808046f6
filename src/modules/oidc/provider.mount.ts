import { once } from 'node:events';
import { parse, stringify } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { withAppMemo } from './apps.request-memo.js';
import { canonicalSecretHash, type AppsDeps } from './apps.service.js';
import { markSignedIn } from './provider.signed-in.js';

/** oidc-provider's own body limit; larger bodies are refused before they are read whole. */
const BODY_LIMIT = 56 * 1024;

const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
const formEncode = (value: string) => encodeURIComponent(value);

/**
 * SEC-OIDC-06: the provider compares client secrets as stored, and Gatehouse stores only their
 * SHA-256. So before the provider sees a request, a presented secret (HTTP Basic or the form's
 * client_secret) is replaced by the stored hash when it matches the app's secret (or the previous one
 * during a rotation's overlap), and by its own hash otherwise, which matches nothing. The hash itself,
 * presented as a secret, is hashed again and fails.
 */
async function canonicalizeClientSecret(deps: AppsDeps, request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(raw.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        const clientId = formDecode(decoded.slice(0, colon));
        const secret = formDecode(decoded.slice(colon + 1));
        const hash = await canonicalSecretHash(deps, clientId, secret);
        raw.headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(hash)}`).toString('base64')}`;
      } catch {
        // Malformed percent-encoding: left as is for the provider to refuse.
      }
    }
  }
  if (typeof request.body === 'string') {
    const form = parse(request.body);
    if (typeof form.client_id === 'string' && typeof form.client_secret === 'string') {
      form.client_secret = await canonicalSecretHash(deps, form.client_id, form.client_secret);
      (raw as { body?: unknown }).body = stringify(form);
      return;
    }
    (raw as { body?: unknown }).body = request.body;
  }
}

/**
 * Mounts the provider (a Koa app) in Fastify under its own routes: discovery at the issuer's
 * `/.well-known/openid-configuration` and every endpoint under `/oidc/`. The requests are handed over
 * raw (the reply hijacked), so the provider writes its own answers and headers. Form bodies are read
 * here (so the secret can be canonicalized) and given to the provider as `req.body`; any other body is
 * left unread for the provider. These endpoints are called by other sites' apps by design (token
 * requests from SPAs, form posts), so the cross-site check does not apply: the provider authenticates
 * clients, binds codes to PKCE and protects its own forms.
 */
export async function mountProvider(
  app: FastifyInstance,
  provider: () => Promise<Provider>,
  deps: AppsDeps,
): Promise<void> {
  // The provider is created by the first request that reaches it (ADR 0008), and replaced after a key
  // rotation (provider.live.ts). Koa composes its middleware in callback(): once per provider, not per request.
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const callbackOf = (current: Provider) => {
    let callback = callbacks.get(current);
    if (!callback) {
      callback = current.callback();
      callbacks.set(current, callback);
    }
    return callback;
  };
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      withAppMemo(async () => {
        await canonicalizeClientSecret(deps, request);
        markSignedIn(request);
        const callback = callbackOf(await provider());
        reply.hijack();
        const finished = Promise.race([once(reply.raw, 'finish'), once(reply.raw, 'close')]);
        void callback(request.raw, reply.raw);
        await finished;
      });
    const options = {
      config: { access: 'public' as const, crossSite: 'open' as const },
      schema: { hide: true },
    };
    scope.route({ method: 'GET', url: '/.well-known/openid-configuration', ...options, handler });
    scope.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/oidc/*', ...options, handler });
  });
}
