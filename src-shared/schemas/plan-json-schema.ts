import { z } from 'zod';
import { planSchema } from './plan.ts';

/** The plan format as JSON Schema (draft 2020-12), generated from the zod schema. */
export function planJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://baton.local/schemas/plan.schema.json',
    title: 'Baton plan',
    description:
      'A DAG of tasks. Graph rules JSON Schema cannot say are checked by Baton: task ids are unique, depends_on names tasks of the plan, and there is no cycle.',
    ...z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
