import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import { missingWorkspaceChecks } from './workspace-checks.ts';

const agent = (id: string, kind: string, skills: string[]) => ({ id, kind, skills }) as unknown as Agent;
const ws = (id: string, missing: string | null) => ({ id, missing }) as Workspace;

describe('missingWorkspaceChecks', () => {
  it('flags the coding tasks whose workspace is missing, not the others', () => {
    const agents = [agent('coder', 'coding', ['code']), agent('writer', 'echo', ['write'])];
    const plan = {
      workspace: 'gone',
      tasks: [
        { task_id: 'code', required_skills: ['code'] },
        { task_id: 'notes', required_skills: ['write'] },
        { task_id: 'pinned', agent: 'coder', workspace: 'here' },
        { task_id: 'pinned-gone', agent: 'coder', workspace: 'gone' },
      ],
    };
    const checks = missingWorkspaceChecks(plan, agents, [
      ws('gone', 'its folder is gone (deleted or moved)'),
      ws('here', null),
    ]);
    expect(checks.map((c) => [c.task_id, c.path])).toEqual([
      ['code', null],
      ['pinned-gone', 'workspace'],
    ]);
    expect(checks[0]!.message).toBe(
      'its workspace "gone" is missing: its folder is gone (deleted or moved). Register it again where it is now (Workspaces).',
    );
  });
});
