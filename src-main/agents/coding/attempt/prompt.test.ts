import { describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, TaskContext } from '../../../engine/executor.ts';
import { firstPrompt, resumePrompt } from './prompt.ts';

const backend: CodingOutput = {
  workspace_id: 'app',
  branch: 'baton/r1/backend',
  commit: '0123456789abcdef0123',
  start_commit: 'ffff',
  files: [
    { path: 'server.js', status: 'added', additions: 12, deletions: 0 },
    { path: 'logo.png', status: 'added', additions: null, deletions: null },
  ],
  additions: 12,
  deletions: 0,
  summary: 'Added an HTTP server on port 3000.',
  session_id: 's',
  diff_artifact: 'changes.diff',
};

const ctx = {
  run_id: 'r1',
  task: { task_id: 'frontend', description: 'Build the page that calls /hello.', inputs: { port: 3000 } },
  agent: {
    id: 'ui',
    name: 'UI coder',
    charter: { mission: 'Ship pages', values: ['accessible'], expertise: [] },
  },
  dependencies: [
    { task_id: 'backend', status: 'done', output: backend },
    { task_id: 'notes', status: 'done', output: { text: 'use port 3000' } },
  ],
} as unknown as TaskContext<CodingAgent>;
const coding = {
  workspace: { id: 'app', base_branch: 'main' },
  branch: 'baton/r1/frontend',
  resume: null,
} as unknown as CodingContext;

describe('coding prompts', () => {
  it("tell the charter, where it works, the task and inputs, and each dependency's branch, files and first lines", () => {
    const heads = new Map([
      ['backend', [{ path: 'server.js', text: 'import http from "node:http";\n', truncated: true }]],
    ]);
    const p = firstPrompt(ctx, coding, '/data/worktrees/r1/frontend/tree', ['backend'], heads);
    expect(p).toContain('You are UI coder (ui), a coding agent');
    expect(p).toContain('Mission: Ship pages');
    expect(p).toContain(
      'your working directory /data/worktrees/r1/frontend/tree, on branch baton/r1/frontend, started from the branches of backend merged',
    );
    expect(p).toContain('Task frontend:\nBuild the page that calls /hello.');
    expect(p).toContain('"port": 3000');
    expect(p).toContain(
      '## backend (done): branch baton/r1/backend at 0123456789ab, 2 files changed (+12 -0)',
    );
    expect(p).toContain('- server.js (added, +12 -0)');
    expect(p).toContain('- logo.png (added, binary)');
    expect(p).toContain('First lines of server.js:\n```\nimport http from "node:http";\n… (more)');
    expect(p).toContain('## notes (done)\n{\n  "text": "use port 3000"\n}');
  });

  it("resume with why: a restart, or a reviewer's comments", () => {
    expect(resumePrompt(ctx, { reason: 'interrupted', session_id: 's' })).toContain(
      'Baton restarted while you worked on task frontend; continue where you left off',
    );
    const changes = resumePrompt(ctx, {
      reason: 'changes_requested',
      session_id: 's',
      comment: 'Use port 8080.',
      line_comments: [{ path: 'server.js', line: 3, body: 'hard-coded port' }],
    });
    expect(changes).toBe(
      'A reviewer asked for changes to your work on task frontend:\nUse port 8080.\n\nComments on lines of the diff:\n- server.js:3: hard-coded port\n\nMake these changes in the same worktree.',
    );
  });
});
