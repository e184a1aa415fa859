import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentInput } from '../../../src-shared/schemas/agent.ts';
import { agentsFileSchema } from '../../../src-shared/schemas/agent.ts';
import { collect, freshWorkspace, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createCommandExecutor } from './command.ts';

afterAll(removeWorkspaces);

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** resources/agents/agents.example.json, as shipped: script paths say `{resources}`. */
const examples = agentsFileSchema.parse(
  JSON.parse(readFileSync(`${root}resources/agents/agents.example.json`, 'utf8')),
);
const example = (id: string) => examples.find((a) => a.id === id) as AgentInput;
const executor = createCommandExecutor();

describe('example command agents (node on PATH)', () => {
  it('are registered as command agents run by node', () => {
    expect(examples.map((a) => [a.id, a.kind, a.kind === 'command' && a.command])).toEqual([
      ['word-counter', 'command', 'node'],
      ['file-digester', 'command', 'node'],
    ]);
  });

  it('word-count counts the task and its dependency outputs and writes report.md', async () => {
    const ctx = taskContext(example('word-counter'), {
      description: 'Count these five words',
      dependencies: [
        { task_id: 'task-0', status: 'done', output: { summary: 'three more words', tags: ['two words'] } },
      ],
    });
    const events = await collect(executor, ctx);
    expect(
      events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.percent),
    ).toEqual([10, 90, 100]);
    expect(outcome(events)).toEqual({
      type: 'result',
      output: {
        total: 9,
        counts: [
          { source: 'task task-1', words: 4 },
          { source: 'dependency task-0 (done)', words: 5 },
        ],
        report: 'report.md',
      },
    });
    const report = events.find((e) => e.type === 'artifact');
    expect(report?.type === 'artifact' && report.name).toBe('report.md');
    expect(readFileSync(`${ctx.workspace}/report.md`, 'utf8')).toContain('| **Total** | **9** |');
  });

  it('file-digest hashes the files named in the inputs and lists the missing ones', async () => {
    const dir = freshWorkspace();
    writeFileSync(`${dir}/a.txt`, 'alpha\n');
    const ctx = taskContext(example('file-digester'), {
      inputs: { base_dir: dir, files: ['a.txt', 'missing.txt'] },
    });
    const events = await collect(executor, ctx);
    const sha = createHash('sha256').update('alpha\n').digest('hex');
    expect(outcome(events)).toEqual({
      type: 'result',
      output: { files: [{ file: 'a.txt', size: 6, sha256: sha }], missing: ['missing.txt'] },
    });
    expect(events).toContainEqual({ type: 'log', stream: 'stderr', text: 'cannot read missing.txt: ENOENT' });
    expect(readFileSync(`${ctx.workspace}/digests.sha256`, 'utf8')).toBe(`${sha}  a.txt\n`);
  });

  it('file-digest fails with its own message when no file is named', async () => {
    const events = await collect(executor, taskContext(example('file-digester')));
    expect(outcome(events)).toEqual({ type: 'error', message: 'inputs.files must list at least one file' });
  });
});
