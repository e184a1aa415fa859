import { describe, expect, it } from 'vitest';
import type { Agent, AgentInput } from '../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../src-shared/schemas/agent.ts';
import { parsePlan } from '../../../src-shared/schemas/plan.ts';
import { draftPlan } from './rule-planner.ts';
import { giveTaskInputs } from './task-inputs.ts';

const agent = (a: AgentInput): Agent => agentSchema.parse(a);

const researcher = agent({
  id: 'researcher',
  skills: ['research'],
  task_inputs: {
    memory_query: { required: true, from: 'subject', description: "what to look for in Baton's memory" },
    depth: { from: 'description' },
  },
});
const mailer = agent({
  id: 'mailer',
  skills: ['communication'],
  task_inputs: { to: { required: true, from: 'email', description: 'the address to write to' } },
});
const agents = [researcher, mailer];

describe('giveTaskInputs: each drafted task gets the inputs its agents declare', () => {
  it('takes them from the step: its subject, its email address, its text', () => {
    const { plan } = draftPlan('Research the best laptops and draft email to john@example.com', { agents });
    expect(giveTaskInputs(plan.tasks, agents)).toEqual([]);
    expect(plan.tasks.map((t) => t.inputs)).toEqual([
      { memory_query: 'best laptops', depth: 'Research the best laptops' },
      { to: 'john@example.com' },
    ]);
    expect(parsePlan(plan).ok).toBe(true);
  });

  it('keeps what a task has, takes the context by name before the step, and leaves other agents’ inputs alone', () => {
    const tasks = [
      {
        task_id: 'a',
        description: 'look up prices',
        required_skills: ['research'],
        inputs: { memory_query: 'mine' },
      },
      { task_id: 'b', description: 'write to bo@example.com', required_skills: ['communication'] },
    ];
    expect(giveTaskInputs(tasks, agents, { to: 'ana@example.com', depth: 2 })).toEqual([]);
    expect(tasks.map((t) => t.inputs)).toEqual([
      { memory_query: 'mine', depth: 2 },
      { to: 'ana@example.com' },
    ]);
  });

  it('names each required input it cannot give, with every agent that needs it; an optional one is left out', () => {
    const other = agent({
      id: 'other-mailer',
      skills: ['communication', 'research'],
      task_inputs: { to: { required: true, from: 'email' } },
    });
    const tasks = [
      { task_id: 'task-001', description: 'Research', required_skills: ['research'] },
      { task_id: 'task-002', description: 'Draft an email', required_skills: ['communication'] },
    ];
    const missing = giveTaskInputs(tasks, [...agents, other]);
    expect(missing.map((m) => [m.task_id, m.input, m.agents])).toEqual([
      ['task-001', 'memory_query', ['researcher']],
      ['task-001', 'to', ['other-mailer']],
      ['task-002', 'to', ['mailer', 'other-mailer']],
    ]);
    expect(missing[0]!.message).toBe(
      `task-001 ("Research") needs inputs.memory_query for researcher (what to look for in Baton's memory): its step names no subject; say it in the request, or give context.memory_query`,
    );
    expect(missing[2]!.message).toMatch(
      /^task-002 \("Draft an email"\) needs inputs\.to for mailer, other-mailer /,
    );
    // The optional input was found in the step; nothing half-given for the missing ones.
    expect(tasks.map((t) => (t as { inputs?: unknown }).inputs)).toEqual([{ depth: 'Research' }, undefined]);
  });

  it('asks only the agents that could take the task: the pinned one, else those with all its skills', () => {
    const tasks = [
      { task_id: 'a', description: 'Research', required_skills: ['research'], agent: 'mailer' },
      { task_id: 'b', description: 'Research', required_skills: ['research', 'summarization'] },
    ];
    expect(giveTaskInputs(tasks, agents).map((m) => [m.task_id, m.input])).toEqual([['a', 'to']]);
  });

  it('gives an input named like an Object.prototype key as an input, not a prototype', () => {
    const odd: Agent = { ...researcher, task_inputs: JSON.parse('{"__proto__":{"from":"subject"}}') };
    const tasks = [{ task_id: 'a', description: 'research laptops', required_skills: ['research'] }];
    giveTaskInputs(tasks, [odd]);
    const inputs = (tasks[0] as { inputs?: Record<string, unknown> }).inputs!;
    expect(Object.hasOwn(inputs, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(inputs)).toBe(Object.prototype);
  });
});
