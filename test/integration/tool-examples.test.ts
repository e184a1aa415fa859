import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsFileSchema } from '../../src-shared/schemas/agent.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';

const examples = join(import.meta.dirname, '..', '..', 'resources', 'examples');
const read = (f: string): unknown => JSON.parse(readFileSync(join(examples, f), 'utf8'));

describe('the tool-loop examples', () => {
  it('the agent with the filesystem MCP server and the plan that uses it are valid as shipped', () => {
    const [agent] = agentsFileSchema.parse(read('tool-agent.json'));
    expect(agent).toMatchObject({ kind: 'llm', tools: [{ kind: 'mcp_stdio', name: 'fs' }] });
    const plan = planSchema.parse(read('tool-plan.json'));
    expect(plan.tasks.map((t) => t.required_skills)).toEqual([['notes'], ['notes']]);
    expect(plan.tasks[1]!.output_schema).toMatchObject({ required: ['topics'] });
  });
});
