import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentSchema, agentsFileSchema } from './agent.ts';

const issues = (v: unknown) => {
  const r = agentSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('agentSchema', () => {
  it('reads an agent without kind as echo, with defaults', () => {
    expect(agentSchema.parse({ id: 'ash' })).toEqual({
      id: 'ash',
      kind: 'echo',
      skills: [],
      status: 'ONLINE',
      max_concurrency: 1,
      cost_per_task: 0,
      tags: [],
    });
  });

  it('parses a command agent, defaulting args and env', () => {
    const a = agentSchema.parse({ id: 'wc', kind: 'command', command: 'node' });
    expect(a.kind === 'command' && [a.command, a.args, a.env]).toEqual(['node', [], {}]);
  });

  it('parses an http agent with its defaults', () => {
    const a = agentSchema.parse({
      id: 'svc',
      kind: 'http',
      url: 'http://127.0.0.1:8080/tasks',
      auth_secret: 'svc',
    });
    expect(a.kind === 'http' && [a.poll_interval_ms, a.max_retries, a.auth_secret]).toEqual([1000, 2, 'svc']);
    expect(a.kind === 'http' && [a.callback, a.cancel_url]).toEqual([true, undefined]);
  });

  it("checks an http agent's cancel_url template", () => {
    const http = (cancel_url: string) =>
      issues({ id: 'x', kind: 'http', url: 'http://127.0.0.1/', cancel_url });
    expect(http('/jobs/{delegation_task_id}/{attempt}/cancel')).toEqual([]);
    expect(http('https://agents.example/cancel?run={run_id}&task={task_id}')).toEqual([]);
    expect(http('/jobs/{job}/cancel')).toEqual([
      {
        path: 'cancel_url',
        message: 'may hold only the placeholders {run_id} {task_id} {delegation_task_id} {attempt}',
      },
    ]);
    expect(http('ftp://agents.example/cancel')).toEqual([
      { path: 'cancel_url', message: 'must be an http or https URL, or a path relative to url' },
    ]);
  });

  it('parses an llm agent pointing at a local Ollama', () => {
    const a = agentSchema.parse({
      id: 'llama',
      kind: 'llm',
      base_url: 'http://127.0.0.1:11434/v1',
      model: 'llama3.2',
      prices: { 'llama3.2': { prompt_per_1k: 0, completion_per_1k: 0 } },
    });
    expect(a.kind === 'llm' && a.model).toBe('llama3.2');
  });

  it('accepts a human agent with the common fields only', () => {
    expect(agentSchema.parse({ id: 'pat', kind: 'human', skills: ['review'] }).kind).toBe('human');
    expect(issues({ id: 'pat', kind: 'human', command: 'x' })).toEqual([
      { path: '', message: 'Unrecognized key: "command"' },
    ]);
  });

  it('names the path of every problem', () => {
    expect(issues({ id: 'x', kind: 'command' })).toEqual([
      { path: 'command', message: 'Invalid input: expected string, received undefined' },
    ]);
    expect(
      issues({ id: 'x', kind: 'http', url: 'ftp://example.com', max_retries: 99 }).map((i) => i.path),
    ).toEqual(['url', 'max_retries']);
    expect(issues({ id: 'x', kind: 'command', command: 'node', env: { '1BAD': 'v' } })[0]?.path).toBe(
      'env.1BAD',
    );
    expect(issues({ id: 'x', kind: 'robot' })[0]?.path).toBe('kind');
  });

  it('keeps config of one kind out of another', () => {
    expect(issues({ id: 'x', kind: 'echo', url: 'http://127.0.0.1/' })).toEqual([
      { path: '', message: 'Unrecognized key: "url"' },
    ]);
  });
});

describe('agentsFileSchema', () => {
  it('still reads the example agents file', () => {
    const json = JSON.parse(
      readFileSync(new URL('../../resources/examples/agents.json', import.meta.url), 'utf8'),
    );
    expect(agentsFileSchema.parse(json).map((a) => a.kind)).toEqual(['echo', 'echo']);
  });

  it('reports a problem in one agent of a file with its index', () => {
    const r = agentsFileSchema.safeParse({ agents: [{ id: 'a' }, { id: 'b', kind: 'llm', model: 'm' }] });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['1.base_url']);
  });
});
