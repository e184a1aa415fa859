import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db.ts';
import { createStore } from '../../store/store.ts';
import { grantedTool, grantedVerdict, rememberGrant } from './tool-grants.ts';

const AT = '2026-11-25T02:00:00.000Z';
const write = { server: 'workspace', tool: 'write_file' };
/** A call of task `t` of run `r1` by agent `mila`, whose approval `apr-1` a person answered. */
const call = { approval_id: 'apr-1', run_id: 'r1', task_id: 't', agent_id: 'mila', ...write };

describe('a tool call allowed for the rest of a task or always for an agent', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('names the tool as the policy does: its source and name, or a coding CLI’s own name', () => {
    expect(grantedTool(write)).toBe('workspace/write_file');
    expect(grantedTool({ server: null, tool: 'Write' })).toBe('Write');
  });

  it('"once" remembers nothing: the next call of the tool is asked', () => {
    const store = createStore(openDatabase(':memory:'));
    rememberGrant(store, call, 'once', 'ana', AT);
    expect(grantedVerdict(store, { run_id: 'r1', task_id: 't', agent_id: 'mila' }, write)).toBeNull();
  });

  it('for the rest of a task: a later call of the same tool in that task runs unasked; another tool, or another task, is asked', () => {
    const store = createStore(openDatabase(':memory:'));
    rememberGrant(store, call, 'task', 'ana', AT);
    expect(grantedVerdict(store, { run_id: 'r1', task_id: 't', agent_id: 'mila' }, write)).toEqual({
      approve: true,
      approval_id: 'apr-1',
      actor: 'ana',
      input: null,
      comment: 'workspace/write_file allowed for the rest of this task by ana',
      scope: 'task',
    });
    // Another tool of the same task, the same tool in another task or run, by the same agent: asked.
    expect(
      grantedVerdict(
        store,
        { run_id: 'r1', task_id: 't', agent_id: 'mila' },
        { ...write, tool: 'edit_file' },
      ),
    ).toBeNull();
    expect(grantedVerdict(store, { run_id: 'r1', task_id: 'u', agent_id: 'mila' }, write)).toBeNull();
    expect(grantedVerdict(store, { run_id: 'r2', task_id: 't', agent_id: 'mila' }, write)).toBeNull();
    // Nothing is kept for the agent.
    expect(store.toolGrants.allowed('agent:mila')).toEqual([]);
  });

  it('always for an agent: its calls of the tool in any task run unasked, another agent’s are asked, and the grant survives a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-tool-grants-'));
    dirs.push(dir);
    const first = createStore(openDatabase(dir));
    rememberGrant(first, call, 'agent', 'ana', AT);
    expect(first.memory.listAudit('r1', 10)).toMatchObject([
      {
        actor: 'ana',
        entity: 'agent',
        entity_id: 'mila',
        to_status: 'tool allowed',
        why: 'workspace/write_file allowed always for agent "mila": its later calls run without asking',
      },
    ]);
    first.db.close();

    const store = createStore(openDatabase(dir));
    expect(grantedVerdict(store, { run_id: 'r9', task_id: 'other', agent_id: 'mila' }, write)).toMatchObject({
      approve: true,
      actor: 'ana',
      scope: 'agent',
      comment: 'workspace/write_file allowed always for this agent by ana',
    });
    expect(grantedVerdict(store, { run_id: 'r9', task_id: 'other', agent_id: 'hal' }, write)).toBeNull();
    expect(store.toolGrants.allowed('agent:mila')).toEqual([
      { scope: 'agent:mila', tool: 'workspace/write_file', allowed_by: 'ana', at: AT, approval_id: 'apr-1' },
    ]);
    // Removed from the agent: asked again.
    expect(store.toolGrants.forget('agent:mila', 'workspace/write_file')).toBe(true);
    expect(grantedVerdict(store, { run_id: 'r9', task_id: 'other', agent_id: 'mila' }, write)).toBeNull();
    store.db.close();
  });

  it('a call with no agent allowed "always" is remembered for its task only', () => {
    const store = createStore(openDatabase(':memory:'));
    rememberGrant(store, { ...call, agent_id: null }, 'agent', 'ana', AT);
    expect(grantedVerdict(store, { run_id: 'r1', task_id: 't', agent_id: null }, write)).toMatchObject({
      scope: 'task',
    });
  });
});
