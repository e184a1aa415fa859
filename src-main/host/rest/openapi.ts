import { triggerOpenApi } from '../../reach/index.ts';
import { callbackOpenApi } from './agent-callbacks.ts';
import { routes } from './routes.ts';

let cached: Record<string, unknown> | undefined;

/** OpenAPI 3.1, generated from the route table and the zod schemas (request bodies). */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = (r.query ?? []).map(({ name, required }) => ({
      name,
      in: 'query',
      required,
      schema: { type: 'string' },
    }));
    const body = r.body?.();
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        summary: r.summary,
        tags: [r.tag],
        parameters: [...params, ...query],
        ...(body
          ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } }
          : {}),
        responses: {
          200: { description: 'Success (JSON).' },
          400: {
            description:
              'Bad input: `error.message` names the field; `error.details.issues` lists every problem.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          401: { description: 'Missing or wrong token.' },
          404: {
            description: 'Not found.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          409: {
            description: 'Conflict (e.g. task not assigned to this agent).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Baton API',
      version: '0.1.0',
      description:
        "Baton's HTTP API on the browser-mode host: the build endpoint, tasks from a sentence, the pull API for agents that pull their work, and remote workers. Every request needs `Authorization: Bearer <token>` (printed by `baton serve`, also in server.json). The whole typed contract is also reachable as `POST /api/rpc/<method>`.",
    },
    servers: [{ url: '/' }],
    security: [{ token: [] }],
    paths: { ...paths, ...callbackOpenApi(), ...triggerOpenApi() },
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer' },
        callbackToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The attempt's X-Baton-Callback-Token.",
        },
        triggerSecret: { type: 'http', scheme: 'bearer', description: "The trigger's secret (btr_…)." },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
  return cached;
}
