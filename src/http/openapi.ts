import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { deriveOperationId, markEmailFormats } from './openapi-conventions.js';
import { declaredAccess } from './types.js';

/**
 * The OpenAPI 3.1 document is generated from the same zod schemas that validate each route
 * (never hand-written), served at /api/openapi.json, with a reference page at /api/docs.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { publicUrl: string; sessionCookieName: string },
): Promise<void> {
  const { publicUrl, sessionCookieName } = options;
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse API',
        version: '1',
        description:
          'User management and sign-in. JSON only. Errors: {"error": {"code", "message"}} with stable snake_case codes.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            // The name the server really sets: `__Host-` prefixed on HTTPS and localhost.
            name: sessionCookieName,
            description: 'Session cookie set by sign-in.',
          },
          token: {
            type: 'http',
            scheme: 'bearer',
            description:
              'Personal API token (`ghk_…`) from POST /api/v1/me/tokens, sent as `Authorization: Bearer`. ' +
              'A request with this header is judged by it alone; cookies are ignored.',
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'METRICS_TOKEN from the environment, for GET /metrics only.',
          },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: (route) => {
      const out = jsonSchemaTransform(route);
      const method = [route.route.method].flat()[0] ?? 'get';
      const schema = {
        ...out.schema,
        operationId:
          (out.schema as { operationId?: string }).operationId ?? deriveOperationId(method, route.url),
      };
      // Public routes (setup, sign-in, password reset, invitation accept) need no session: say so
      // instead of inheriting the document-wide session requirement. A route that names its own
      // scheme (/metrics) keeps it.
      if (declaredAccess(route.url, route.route.config) !== 'public' || 'security' in schema) {
        return { ...out, schema };
      }
      return { ...out, schema: { ...schema, security: [] } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });
  let document: ReturnType<typeof app.swagger> | undefined;
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => {
    if (!document) {
      document = app.swagger();
      markEmailFormats(document);
    }
    return document;
  });
}
