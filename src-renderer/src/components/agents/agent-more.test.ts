import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { checkDraft, draftOf, EMPTY_DRAFT } from './agent-form.ts';

const charter = { mission: 'Help', vision: 'Calm', values: ['care'], expertise: ['search', 'maps'] };
const common = {
  tags: ['eu', 'gpu'],
  worker: 'box-1',
  charter,
  task_inputs: { topic: { required: true, from: 'subject' } },
};

/** Every field of each kind, set to something other than its default. */
const FULL: Agent[] = [
  agentSchema.parse({ id: 'e', kind: 'echo', ...common }),
  agentSchema.parse({
    id: 'c',
    kind: 'command',
    command: 'node',
    args: ['a.js'],
    env: { TOKEN: '{secret:gh}', MODE: 'x' },
    timeout_s: 60,
    ...common,
  }),
  agentSchema.parse({
    id: 'h',
    kind: 'http',
    url: 'http://127.0.0.1:9/run',
    auth_secret: 'svc.key',
    auth_header: 'X-Key',
    timeout_s: 20,
    poll_interval_ms: 500,
    max_retries: 4,
    callback: false,
    cancel_url: '/jobs/{delegation_task_id}',
    ...common,
  }),
  agentSchema.parse({
    id: 'l',
    kind: 'llm',
    base_url: 'http://127.0.0.1:11434/v1',
    model: 'llama3.1',
    api_key_secret: 'ollama.key',
    temperature: 0.3,
    max_tokens: 800,
    prices: { 'llama3.1': { prompt_per_1k: 0.1, completion_per_1k: 0.2 } },
    timeout_s: 120,
    max_retries: 0,
    tools: [{ kind: 'workspace', commands: ['ls'] }],
    tool_policy: [{ tools: '*', policy: 'ask' }],
    max_steps: 8,
    max_cost_usd: 2,
    ...common,
  }),
  agentSchema.parse({
    id: 'k',
    kind: 'coding',
    cli: 'codex',
    executable: '/opt/codex',
    model: 'qwen3-coder',
    args: ['--sandbox', 'workspace-write'],
    env: { A: 'b', KEY: { secret: 'k' } },
    provider: { base_url: 'http://127.0.0.1:11434/v1', api_key_secret: 'ollama.key' },
    timeout_s: 900,
    max_cost_usd: 3,
    review: 'diff',
    prices: { 'qwen3-coder': { input_per_mtok: 1, output_per_mtok: 2 } },
    ...common,
  }),
  agentSchema.parse({ id: 'p', kind: 'human', ...common, worker: undefined }),
] as Agent[];

describe('every field of an agent in the form', () => {
  it.each(FULL.map((a) => [a.kind, a] as const))(
    'a %s agent edited without a change is saved as it was',
    (_, a) => {
      // Edited from scratch (nothing kept from the agent): the form alone holds every field.
      expect(checkDraft(draftOf(a), null)).toEqual({ ok: true, agent: a });
    },
  );

  it('leaves a field at its default blank, and a blank field takes the default', () => {
    const plain = agentSchema.parse({ id: 'h', kind: 'http', url: 'http://x.example/' }) as Agent;
    expect(draftOf(plain).more).toEqual({});
    expect(checkDraft(draftOf(plain), null)).toEqual({ ok: true, agent: plain });
  });

  it('names the field of JSON that does not read, and the place inside JSON the schema refuses', () => {
    const llm = { ...draftOf(FULL[3]!), more: { ...draftOf(FULL[3]!).more, tools: '[{ "kind": ' } };
    const r = checkDraft(llm, null);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors['more.tools']).toMatch(/^Tools is not valid JSON/);
    const badUrl = {
      ...llm,
      more: { ...llm.more, tools: '[{ "kind": "mcp_http", "name": "s", "url": "ftp://x" }]' },
    };
    const r2 = checkDraft(badUrl, null);
    expect(!r2.ok && r2.errors['more.tools']).toBe('Tools: [0].url must be an http or https URL');
    const temperature = { ...draftOf(FULL[3]!), more: { temperature: 'warm' } };
    const r3 = checkDraft(temperature, null);
    expect(!r3.ok && r3.errors['more.temperature']).toBe('Temperature must be a number');
  });

  it('takes a coding agent’s provider by its base URL and its key’s secret name, and wants the URL with a secret', () => {
    const d = { ...EMPTY_DRAFT, kind: 'coding' as const, id: 'cc', cli: 'codex' as const };
    const r = checkDraft(
      { ...d, provider_url: 'http://127.0.0.1:11434/v1', provider_secret: 'local.key', model: 'm' },
      null,
    );
    expect(r.ok && r.agent).toMatchObject({
      provider: { base_url: 'http://127.0.0.1:11434/v1', api_key_secret: 'local.key' },
    });
    expect(checkDraft({ ...d, provider_secret: 'local.key' }, null)).toMatchObject({
      ok: false,
      errors: { provider_url: 'Model server URL is required to use an API key secret' },
    });
    expect(checkDraft({ ...d, provider_url: 'not a url' }, null)).toMatchObject({
      ok: false,
      errors: { provider_url: 'Model server URL must be an http or https URL' },
    });
  });
});
