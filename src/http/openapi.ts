import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { declaredAccess } from './types.js';

/**
 * The OpenAPI 3.1 document is generated from the same zod schemas that validate each route
 * (never hand-written), served at /api/openapi.json, with a reference page at /api/docs.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
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
            name: 'gatehouse_session',
            description: 'Session cookie set by sign-in.',
          },
        },
      },
      security: [{ session: [] }],
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
