import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from './plan-json-schema.ts';

describe('plan JSON Schema', () => {
  it('is generated from the zod schema and the shipped copy is current (npm run schemas)', () => {
    const shipped = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'schemas', 'plan.schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(planJsonSchema());
    const task = (shipped.properties.tasks.items ?? {}) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(task.properties)).toEqual(
      expect.arrayContaining([
        'task_id',
        'description',
        'required_skills',
        'depends_on',
        'priority',
        'deadline',
        'requires_approval',
        'estimated_cost',
        'agent',
        'timeout_s',
        'retry',
        'condition',
        'inputs',
      ]),
    );
    expect(task.required).toEqual(['task_id', 'description']);
  });
});
