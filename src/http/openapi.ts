import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
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
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: (route) => {
      const out = jsonSchemaTransform(route);
      // Public routes (setup, sign-in, password reset, invitation accept) need no session: say so
      // instead of inheriting the document-wide session requirement.
      if (declaredAccess(route.url, route.route.config) !== 'public') return out;
      return { ...out, schema: { ...out.schema, security: [] } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
}
