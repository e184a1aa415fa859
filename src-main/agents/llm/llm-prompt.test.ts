import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSchema } from '../../../src-shared/schemas/agent.ts';
import { taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import { buildChatMessages, MAX_DEPENDENCY_CHARS } from './llm-prompt.ts';

const agent = agentSchema.parse({
  id: 'sage',
  name: 'Sage',
  kind: 'llm',
  base_url: 'http://127.0.0.1:11434/v1',
  model: 'llama3.2',
  skills: ['reflection'],
  charter: {
    mission: 'Reflect on what happened.',
    vision: 'A team that learns.',
    values: ['candour', 'brevity'],
    expertise: ['retrospectives'],
  },
});

describe('buildChatMessages', () => {
  it('builds the system prompt from the charter', () => {
    const [system] = buildChatMessages({
      agent,
      task: taskSpecSchema.parse({ task_id: 't', description: 'd' }),
      dependencies: [],
    });
    expect(system).toEqual({
      role: 'system',
      content: [
        'You are Sage (sage), an agent that carries out one task of a plan.',
        '',
        'Mission: Reflect on what happened.',
        '',
        'Vision: A team that learns.',
        '',
        'Values:',
        '- candour',
        '- brevity',
        '',
        'Expertise:',
        '- retrospectives',
        '',
        'Skills: reflection',
        '',
        'Do the task you are given and answer with the result itself, not a plan for it.',
      ].join('\n'),
    });
  });

  it('puts the task, its inputs and the dependency results in the user message', () => {
    const [, user] = buildChatMessages({
      agent,
      task: taskSpecSchema.parse({ task_id: 'task-2', description: 'Reflect.', inputs: { tone: 'kind' } }),
      dependencies: [
        { task_id: 'task-1', status: 'done', output: 'The logs were summarized.' },
        { task_id: 'task-0', status: 'done', output: { n: 1 } },
        { task_id: 'task-x', status: 'done', output: null },
      ],
    });
    expect(user?.role).toBe('user');
    expect(user?.content).toBe(
      [
        'Task task-2:\nReflect.',
        'Inputs:\n{\n  "tone": "kind"\n}',
        'Results of the tasks this one depends on:',
        '## task-1 (done)\nThe logs were summarized.',
        '## task-0 (done)\n{\n  "n": 1\n}',
        '## task-x (done)\n(no output)',
      ].join('\n\n'),
    );
  });

  it('cuts each dependency output to about 2,000 characters', () => {
    const [, user] = buildChatMessages({
      agent: agentSchema.parse({ id: 'plain' }),
      task: taskSpecSchema.parse({ task_id: 't', description: 'd' }),
      dependencies: [{ task_id: 'big', status: 'done', output: 'w'.repeat(10_000) }],
    });
    expect(user?.content).toContain(`${'w'.repeat(MAX_DEPENDENCY_CHARS)} … [truncated 8000 characters]`);
    expect(user?.content).not.toContain('w'.repeat(MAX_DEPENDENCY_CHARS + 1));
  });

  it('says only who the agent is when it has no charter', () => {
    const [system] = buildChatMessages({
      agent: agentSchema.parse({ id: 'plain' }),
      task: taskSpecSchema.parse({ task_id: 't', description: 'd' }),
      dependencies: [],
    });
    expect(system?.content).toBe(
      'You are plain, an agent that carries out one task of a plan.\n\nDo the task you are given and answer with the result itself, not a plan for it.',
    );
  });

  it('inlines a dependency’s file only as it was recorded: not a link the agent swapped in since', () => {
    const ws = mkdtempSync(join(tmpdir(), 'baton-prompt-'));
    try {
      writeFileSync(join(ws, 'keys'), 'SECRET KEY');
      writeFileSync(join(ws, 'notes.md'), 'the notes');
      const recorded = { name: 'notes.md', path: join(ws, 'notes.md'), size: 9 };
      const sha256 = createHash('sha256').update('the notes').digest('hex');
      const prompt = () =>
        buildChatMessages({
          agent,
          task: taskSpecSchema.parse({ task_id: 't', description: 'd' }),
          dependencies: [
            { task_id: 'a', status: 'done', output: 'ok', artifacts: [{ ...recorded, sha256 }] },
          ],
        })[1]!.content;
      expect(prompt()).toContain('### file notes.md\nthe notes');
      rmSync(join(ws, 'notes.md'));
      symlinkSync(join(ws, 'keys'), join(ws, 'notes.md'));
      expect(prompt()).toContain('### file notes.md\n(the file is now a symbolic link; it is not read)');
      expect(prompt()).not.toContain('SECRET');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
