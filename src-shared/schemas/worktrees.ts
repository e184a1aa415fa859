import { z } from 'zod';
import { idSchema } from './common.ts';

/**
 * What a person reaches a coding task's worktree with: the editor Baton opens it in, the block of
 * ports its agent's dev servers listen on, and the worktrees kept after their runs.
 */

/** A block of ports: `first` … `first + count - 1`. */
export interface PortRange {
  first: number;
  count: number;
}

/**
 * The editors Baton knows, each by the programs that start it (looked for on the person's PATH,
 * the first found), and the file manager. `custom` is a command of the person's (Settings).
 */
export const KNOWN_EDITORS = {
  vscode: { name: 'VS Code', programs: ['code'] },
  cursor: { name: 'Cursor', programs: ['cursor'] },
  zed: { name: 'Zed', programs: ['zed', 'zeditor'] },
  idea: { name: 'IntelliJ IDEA', programs: ['idea', 'idea.sh'] },
  webstorm: { name: 'WebStorm', programs: ['webstorm', 'webstorm.sh'] },
  pycharm: { name: 'PyCharm', programs: ['pycharm', 'pycharm.sh', 'charm'] },
  goland: { name: 'GoLand', programs: ['goland', 'goland.sh'] },
  clion: { name: 'CLion', programs: ['clion', 'clion.sh'] },
  rider: { name: 'Rider', programs: ['rider', 'rider.sh'] },
  phpstorm: { name: 'PhpStorm', programs: ['phpstorm', 'phpstorm.sh'] },
  rubymine: { name: 'RubyMine', programs: ['rubymine', 'rubymine.sh'] },
  rustrover: { name: 'RustRover', programs: ['rustrover', 'rustrover.sh'] },
  files: { name: 'the file manager', programs: ['xdg-open', 'open', 'explorer'] },
} as const satisfies Record<string, { name: string; programs: readonly string[] }>;
export type KnownEditor = keyof typeof KNOWN_EDITORS;
export const KNOWN_EDITOR_IDS = Object.keys(KNOWN_EDITORS) as KnownEditor[];
/** What Settings may choose: a known editor, or the person's own command. */
export type EditorChoice = KnownEditor | 'custom';
export const EDITOR_CHOICES = [...KNOWN_EDITOR_IDS, 'custom'] as const;

/** Where port blocks start and how many ports each worktree gets, unless Settings says otherwise. */
export const DEFAULT_PORT_BASE = 42_000;
export const DEFAULT_PORT_BLOCK = 10;

/** Settings' worktree options. `editor` null: the first known editor found on PATH. */
export interface WorktreeSettings {
  editor: string | null;
  /** The program and its arguments, one of them holding `{path}`; null: none set. */
  custom_command: string[] | null;
  port_base: number;
  port_block: number;
}
export const DEFAULT_WORKTREE_SETTINGS: WorktreeSettings = {
  editor: null,
  custom_command: null,
  port_base: DEFAULT_PORT_BASE,
  port_block: DEFAULT_PORT_BLOCK,
};

const PATH_MARK = '{path}';

export const worktreeSettingsSchema = z
  .strictObject({
    editor: z.enum(EDITOR_CHOICES, { error: `must be one of ${EDITOR_CHOICES.join(', ')}` }).nullable(),
    custom_command: z
      .array(
        z
          .string()
          .min(1, 'an empty word')
          .max(1_000)
          .refine((w) => !w.includes('\0'), 'holds a NUL'),
        {
          error: 'must be the program and its arguments, one word each',
        },
      )
      .min(1, 'name the program')
      .max(32, 'at most 32 words')
      .refine((words) => words.slice(1).some((w) => w.includes(PATH_MARK)), {
        message: `one of its arguments must hold ${PATH_MARK}, where the worktree's folder goes`,
      })
      .nullable(),
    port_base: z.int().min(1_024, 'must be 1024 or more (ports below need root)').max(65_000),
    port_block: z.int().min(1, 'at least 1 port').max(100, 'at most 100 ports'),
  })
  .refine((s) => s.editor !== 'custom' || s.custom_command !== null, {
    message: 'the editor "custom" needs a command (custom_command)',
    path: ['custom_command'],
  })
  .refine((s) => s.port_base + s.port_block - 1 <= 65_535, {
    message: 'the first block must end at 65535 or below',
    path: ['port_base'],
  });

/** The worktree's folder in a custom command's words. */
export const customArgv = (words: readonly string[], path: string): string[] =>
  words.map((w, i) => (i === 0 ? w : w.replaceAll(PATH_MARK, path)));

/** One editor as the host found it on the person's PATH. */
export interface EditorFound {
  id: EditorChoice;
  name: string;
  /** The program that starts it, as found on PATH (absolute), or null when none of its programs is there. */
  program: string | null;
}

/** What `worktrees.editors` answers: the editors found on the machine Baton runs on, and Settings. */
export interface EditorsOnHost {
  editors: EditorFound[];
  /** The editor *Open in editor* starts: Settings', else the first found; null when none is. */
  chosen: EditorChoice | null;
  settings: WorktreeSettings;
  /** The machine's name: where an editor opens (in a browser, not the browser's machine). */
  host: string;
}

/**
 * How a server the task's agent starts on its ports is reached from the machine Baton runs on, now:
 * - `forwarder`: its agent runs in the OS sandbox, and 127.0.0.1:<port> here goes to the same port
 *   in the sandbox, but for the `refused` ports, which another program here listened on first;
 * - `loopback`: its agent runs without the sandbox, so its servers listen on this machine;
 * - `off`: its agent runs in the OS sandbox and its workspace does not forward its ports
 *   (`forward_ports`, off by default): its servers are not reached from this machine;
 * - `none`: not now, and why (its agent is not running; macOS's sandbox lets it listen nowhere).
 */
export type PortsReach =
  | { via: 'forwarder'; refused: number[] }
  | { via: 'loopback' }
  | { via: 'off'; workspace_id: string }
  | { via: 'none'; why: string };

/** A port of the block something listens on now: in the agent's sandbox (through the forwarder) or on this machine. */
export interface PortListening {
  port: number;
  where: 'sandbox' | 'machine';
}

/** What `worktrees.ports` answers: the block, how its agent's servers are reached, and what listens on it now (looked at, not assumed). */
export interface PortsNow {
  ports: PortRange | null;
  reach: PortsReach;
  listening: PortListening[];
}

/** A coding task's worktree as a person reaches it: its folder, its ports. */
export interface WorktreePlace {
  run_id: string;
  task_id: string;
  path: string;
  branch: string;
  /** Whether its folder is on disk. */
  on_disk: boolean;
  ports: PortRange | null;
}

/** A worktree Baton keeps on disk after its run (or a person kept while it runs), as Settings lists it. */
export interface KeptWorktree {
  run_id: string;
  task_id: string;
  plan_id: string | null;
  plan_name: string | null;
  workspace_id: string;
  branch: string;
  path: string;
  state: 'active' | 'kept';
  run_status: string;
  /** When Baton last recorded it (its last attempt, or when it was kept). */
  updated_at: string;
  /** Bytes of its files on disk (links not followed); null when its folder is gone. */
  size_bytes: number | null;
  ports: PortRange | null;
}

/**
 * A run's and task's ids as plans and runs have them (`idSchema`: no `/`, no leading `.`): a
 * worktree is found from them in the store, never from a path a caller gives.
 */
export const worktreeRefSchema = z.strictObject({ run_id: idSchema, task_id: idSchema });
