import { hostname } from 'node:os';
import type { WorktreeHandlers } from '../../../../src-shared/contract/domains/worktrees.ts';
import { KNOWN_EDITORS } from '../../../../src-shared/schemas/worktrees.ts';
import { AppError } from '../../../base/errors.ts';
import { userEnv } from '../../../processes/user-env.ts';
import type { CodingHandlersContext } from '../handlers/context.ts';
import { chosenEditor, editorArgv, editorsOn, launchDetached } from './editors.ts';
import { archiveWorktree, keptWorktrees } from './kept.ts';
import { ownedWorktree } from './owned.ts';
import { portsNow } from './ports.ts';

/** What the `worktrees.*` handlers need besides the coding wing's context: whose environment editors start with. */
export interface WorktreeHandlersOptions {
  /** The person's environment (default `userEnv()`: Baton's own folders and variables taken out); tests give their own. */
  env?: () => Readonly<Record<string, string | undefined>>;
}

/**
 * `worktrees.*`: a coding task's worktree opened in an editor on the machine Baton runs on (the
 * browser's machine may be another: the UI says so), its ports, the worktrees kept after their
 * runs, archived on purpose. Each finds the worktree from the ids in the store (`ownedWorktree`).
 */
export function worktreeHandlers(
  ctx: CodingHandlersContext,
  opts: WorktreeHandlersOptions = {},
): WorktreeHandlers {
  const { store, worktreeRoot } = ctx.coding;
  const env = opts.env ?? userEnv;
  return {
    'worktrees.editors': () => {
      const settings = store.worktreePorts.settings();
      const editors = editorsOn(env());
      const custom = settings.custom_command;
      return {
        editors: [
          ...editors,
          ...(custom
            ? [{ id: 'custom' as const, name: `your command (${custom[0]})`, program: custom[0]! }]
            : []),
        ],
        chosen: chosenEditor(settings, editors),
        settings,
        host: hostname(),
      };
    },
    'worktrees.saveSettings': (settings) => {
      store.worktreePorts.saveSettings(settings);
      return store.worktreePorts.settings();
    },
    'worktrees.place': ({ run_id, task_id }) => {
      const { session, dir, exists } = ownedWorktree(store, worktreeRoot, run_id, task_id, { onDisk: false });
      const ports = store.worktreePorts.get(run_id, task_id);
      return {
        run_id,
        task_id,
        path: dir,
        branch: session.branch,
        on_disk: exists,
        ports,
      };
    },
    'worktrees.ports': ({ run_id, task_id }) => {
      const { session, dir } = ownedWorktree(store, worktreeRoot, run_id, task_id, { onDisk: false });
      return portsNow(
        dir,
        store.worktreePorts.get(run_id, task_id),
        store.agents.get(session.agent_id),
        store.workspaces.get(session.workspace_id),
      );
    },
    'worktrees.open': async ({ run_id, task_id, editor }) => {
      const { dir } = ownedWorktree(store, worktreeRoot, run_id, task_id, { onDisk: true });
      const settings = store.worktreePorts.settings();
      const e = env();
      const choice = editor ?? chosenEditor(settings, editorsOn(e));
      if (choice === null)
        throw new AppError(
          'unavailable',
          `no editor is installed here: none of ${Object.values(KNOWN_EDITORS)
            .flatMap((k) => k.programs)
            .join(
              ', ',
            )} is on the PATH of the person who started Baton; set a command in Settings, Worktrees`,
          { field: 'editor' },
        );
      const { program, args } = editorArgv(choice, settings, dir, e);
      await launchDetached(program, args, e, dir);
      return { path: dir, editor: choice, argv: [program, ...args] };
    },
    'worktrees.list': () => keptWorktrees(store),
    'worktrees.archive': ({ run_id, task_id, discard_changes }) =>
      archiveWorktree({ store, bus: ctx.bus, now: ctx.now, worktreeRoot }, run_id, task_id, discard_changes),
  };
}
