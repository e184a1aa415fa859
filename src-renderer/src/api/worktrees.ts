import type { MethodInput } from '../../../src-shared/contract/index.ts';
import { client$ } from './client.ts';

/** Coding tasks' worktrees as a person reaches them (`worktrees.*`): opened, their ports, the kept ones archived. */
export const worktreesApi = {
  editors: () => client$().invoke('worktrees.editors', {}),
  saveSettings: (input: MethodInput<'worktrees.saveSettings'>) =>
    client$().invoke('worktrees.saveSettings', input),
  place: (run_id: string, task_id: string) => client$().invoke('worktrees.place', { run_id, task_id }),
  ports: (run_id: string, task_id: string) => client$().invoke('worktrees.ports', { run_id, task_id }),
  open: (input: MethodInput<'worktrees.open'>) => client$().invoke('worktrees.open', input),
  list: () => client$().invoke('worktrees.list', {}),
  archive: (run_id: string, task_id: string, discard_changes: boolean) =>
    client$().invoke('worktrees.archive', { run_id, task_id, discard_changes }),
};
