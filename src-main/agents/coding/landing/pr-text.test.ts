import { describe, expect, it } from 'vitest';
import { PR_BODY_MAX, prText } from './pr-text.ts';

const task = {
  task_id: 'api',
  description: 'Add the /health endpoint\n\nIt answers 200 | ok.',
  agent_id: 'claude',
  cost: 0.1234,
  cost_unknown: 0,
  files: 2,
  additions: 10,
  deletions: 1,
};

describe("a pull request's title and body", () => {
  it('names the one task and the plan, and lists goal, agent, change, cost and the run', () => {
    const t = prText({
      plan: { plan_id: 'health', name: 'Health check', goal: 'Expose liveness' },
      run_id: 'r1',
      tasks: [task],
      run_cost: 0.1234,
      run_cost_unknown: 0,
      run_url: 'http://127.0.0.1:4800/#/runs/r1',
    });
    expect(t.title).toBe('Add the /health endpoint (Health check)');
    expect(t.body).toBe(
      [
        '**Goal:** Expose liveness',
        '',
        '| Task | Agent | Change | Cost |',
        '| --- | --- | --- | --- |',
        '| `api`: Add the /health endpoint | claude | 2 files, +10 -1 | $0.12 |',
        '',
        'Run cost: $0.12.',
        'Made by Baton: plan `health`, [run r1](http://127.0.0.1:4800/#/runs/r1).',
      ].join('\n'),
    );
  });

  it("names the run for many tasks, escapes a table cell's pipes, and names the run without an address", () => {
    const t = prText({
      plan: { plan_id: 'p' },
      run_id: 'r2',
      tasks: [
        { ...task, description: 'a | b' },
        { ...task, task_id: 'ui', agent_id: null, files: 1, cost: 0 },
        { ...task, task_id: 'db', cost: 0.5, cost_unknown: 2 },
        { ...task, task_id: 'cli', cost: 0, cost_unknown: 1 },
      ],
      run_cost: 0.5,
      run_cost_unknown: 3,
      run_url: null,
    });
    expect(t.title).toBe('p: run r2');
    expect(t.body).toContain('| `api`: a \\| b | claude |');
    expect(t.body).toContain('| `ui`: Add the /health endpoint | - | 1 file, +10 -1 | $0.00 |');
    // What Baton could not see is said, not left out as $0.
    expect(t.body).toContain(
      '| `db`: Add the /health endpoint | claude | 2 files, +10 -1 | $0.50 + unknown |',
    );
    expect(t.body).toContain('| `cli`: Add the /health endpoint | claude | 2 files, +10 -1 | unknown |');
    expect(t.body).toContain('Run cost: $0.50 + unknown.');
    expect(t.body).toContain('Made by Baton: plan `p`, run `r2`.');
  });

  it('says it closes the issue that started the run, linking it; an issue of another repository is named with it', () => {
    const base = {
      plan: { plan_id: 'health' },
      run_id: 'r1',
      tasks: [task],
      run_cost: 0,
      run_cost_unknown: 0,
      run_url: null,
    };
    const issue = { repo: 'acme/app', number: 12, url: 'https://github.com/acme/app/issues/12' };
    const same = prText({ ...base, closes: issue, repo: 'acme/app' });
    expect(same.body.split('\n')[0]).toBe(
      'Closes #12 ([the issue](https://github.com/acme/app/issues/12) started this run).',
    );
    const other = prText({ ...base, closes: issue, repo: 'acme/web' });
    expect(other.body).toMatch(/^Closes acme\/app#12 /);
    expect(prText(base).body).not.toContain('Closes');
  });

  it("keeps a run of many tasks' body under GitHub's limit, saying how many more tasks the run holds", () => {
    const tasks = Array.from({ length: 400 }, (_, i) => ({
      ...task,
      task_id: `task-${i}`,
      description: `Refactor module number ${i} so that it uses the new logging facade and drops the legacy console calls`,
    }));
    const t = prText({
      plan: { plan_id: 'big', name: 'Big', goal: 'g'.repeat(5000) },
      run_id: 'r9',
      tasks,
      run_cost: 49.3,
      run_cost_unknown: 0,
      run_url: null,
    });
    expect(t.body.length).toBeLessThanOrEqual(PR_BODY_MAX);
    const listed = t.body.split('\n').filter((l) => l.startsWith('| `task-')).length;
    expect(listed).toBeGreaterThan(100);
    expect(t.body).toContain(`| … and ${400 - listed} more tasks: see run \`r9\` | | | |`);
    expect(t.body.endsWith('Made by Baton: plan `big`, run `r9`.')).toBe(true);
  });
});
