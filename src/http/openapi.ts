import { Router } from 'express';
import { z } from 'zod';
import type { RequestSchemas } from './validate';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type ResponseDoc = { description: string; schema?: z.ZodType; contentType?: string };

/** One route as documented: the same zod schemas that validate its requests. */
export type RouteDoc = {
  method: HttpMethod;
  /** Express style, e.g. /api/staff/:id */
  path: string;
  summary: string;
  tags?: string[];
  /** 'public', or the roles allowed (published as x-roles and implying bearer authentication). */
  roles: 'public' | readonly string[];
  schemas?: RequestSchemas;
  responses?: Record<number, ResponseDoc>;
};

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  // Transforms and refinements have no JSON Schema form; the input shape is what clients need.
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
};

const openapiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof propertySchema.description === 'string' ? { description: propertySchema.description } : {}),
    schema: propertySchema,
  }));
}

const ERROR_RESPONSE = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
};

function operation(route: RouteDoc) {
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses ?? { 200: { description: 'OK' } })) {
    responses[status] = {
      description: doc.description,
      ...(doc.schema
        ? { content: { [doc.contentType ?? 'application/json']: { schema: toSchema(doc.schema, 'output') } } }
        : {}),
    };
  }
  const { params, query, body } = route.schemas ?? {};
  if (params || query || body) responses['400'] ??= { ...ERROR_RESPONSE, description: 'Invalid request' };
  if (route.roles !== 'public') {
    responses['401'] ??= { ...ERROR_RESPONSE, description: 'Missing, expired or revoked token' };
    responses['403'] ??= { ...ERROR_RESPONSE, description: 'Role not allowed' };
  }
  return {
    summary: route.summary,
    ...(route.tags ? { tags: route.tags } : {}),
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.roles === 'public'
      ? { security: [] }
      : { security: [{ bearerAuth: [] }], 'x-roles': [...route.roles] }),
    parameters: [...parameters(params, 'path'), ...parameters(query, 'query')],
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * Every API route registers here when its router is built, so the published document cannot
 * drift from what the routes validate. Registering a method and path again replaces it (an app
 * built twice, as tests do, documents each route once).
 */
export class ApiRegistry {
  private readonly routes = new Map<string, RouteDoc>();

  add(route: RouteDoc): void {
    this.routes.set(`${route.method} ${route.path}`, route);
  }

  list(): RouteDoc[] {
    return [...this.routes.values()];
  }

  document(info: { title: string; version: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    const sorted = this.list().sort(
      (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
    );
    for (const route of sorted) {
      const path = openapiPath(route.path);
      paths[path] = { ...paths[path], [route.method]: operation(route) };
    }
    return {
      openapi: '3.1.0',
      info,
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from POST /api/auth/login, or an API token from POST /api/tokens',
          },
        },
      },
      paths,
    };
  }
}

/** GET /api/openapi.json, public: it documents the API, it reveals no data. */
export function openapiRouter(
  registry: ApiRegistry,
  info: { title: string; version: string } = { title: 'NeedLine staff API', version: '1' },
): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(registry.document(info));
  });
  return router;
}
