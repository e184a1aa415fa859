// Request bodies of the REST API: their JSON Schema (OpenAPI) and the 400 for one that fails its schema.
import { z } from 'zod';
import type { WireError } from '../../../src-shared/contract/errors.ts';

/** A bad request body: the message names the first field at fault; every problem in `details.issues`. */
export function invalidBody(err: z.ZodError): WireError {
  const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  return {
    code: 'invalid_input',
    message: `${first.path || '(body)'}: ${first.message}`,
    details: { issues },
  };
}

/** A zod schema as the JSON Schema of a request body (OpenAPI). */
export function bodyJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}
