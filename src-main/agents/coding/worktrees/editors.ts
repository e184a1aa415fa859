import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type {
  EditorChoice,
  EditorFound,
  KnownEditor,
  WorktreeSettings,
} from '../../../../src-shared/schemas/worktrees.ts';
import { customArgv, KNOWN_EDITOR_IDS, KNOWN_EDITORS } from '../../../../src-shared/schemas/worktrees.ts';
import { AppError } from '../../../base/errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The file manager's program on each platform; the others are not offered there. */
const FILE_MANAGER: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'xdg-open',
  freebsd: 'xdg-open',
  openbsd: 'xdg-open',
  darwin: 'open',
  win32: 'explorer',
};

/** PATH as `env` holds it (Windows spells it Path). */
const pathOf = (env: Env): string => Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] ?? '';

/**
 * Where `program` is on `env`'s PATH (an executable file; on Windows a `.exe` or `.com`), or null. An absolute `program` is taken as it is, when it is an executable file.
 * Only the PATH given is read: Baton's own (its node_modules/.bin) is not, unless it is that.
 */
export function findProgram(
  program: string,
  env: Env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  // A .cmd or .bat needs a shell to start, which Baton never uses for it: only programs count.
  const endings = platform === 'win32' ? ['.exe', '.com'] : [''];
  const executable = (p: string): boolean => {
    try {
      if (!statSync(p).isFile()) return false;
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(program)) return executable(program) ? program : null;
  if (program.includes('/') || program.includes('\\')) return null;
  for (const dir of pathOf(env).split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue; // an empty or relative entry means the working folder: never
    for (const end of endings) {
      const p = join(dir, program + end);
      if (executable(p)) return p;
    }
  }
  return null;
}

/** The known editors, each with the first of its programs on `env`'s PATH (the file manager: this platform's). */
export function editorsOn(env: Env, platform: NodeJS.Platform = process.platform): EditorFound[] {
  return KNOWN_EDITOR_IDS.map((id): EditorFound => {
    const programs: readonly string[] =
      id === 'files' ? [FILE_MANAGER[platform] ?? 'xdg-open'] : KNOWN_EDITORS[id].programs;
    let program: string | null = null;
    for (const p of programs) {
      program = findProgram(p, env, platform);
      if (program) break;
    }
    return { id, name: KNOWN_EDITORS[id].name, program };
  });
}

/** The editor Open in editor starts: Settings' choice, else the first known one found (the file manager last). */
export function chosenEditor(settings: WorktreeSettings, found: EditorFound[]): EditorChoice | null {
  if (settings.editor === 'custom') return 'custom';
  const set = KNOWN_EDITOR_IDS.find((id) => id === settings.editor);
  if (set) return set;
  return found.find((e) => e.program !== null)?.id ?? null;
}

/**
 * The program and arguments that open `path` with `editor`: the program as found on `env`'s
 * PATH, the folder one argument of its own (a custom command's `{path}` replaced in its words).
 * Refused, naming the field, when the program is not found.
 */
export function editorArgv(
  editor: EditorChoice,
  settings: WorktreeSettings,
  path: string,
  env: Env,
  platform: NodeJS.Platform = process.platform,
): { program: string; args: string[]; name: string } {
  if (editor === 'custom') {
    const words = settings.custom_command;
    if (!words)
      throw new AppError('invalid_input', 'no custom command is set (Settings, Worktrees)', {
        field: 'custom_command',
      });
    const [first, ...rest] = customArgv(words, path);
    const program = findProgram(first!, env, platform);
    if (!program)
      throw new AppError(
        'unavailable',
        `the custom command's program "${first}" is not on the PATH of the person who started Baton`,
        { field: 'custom_command' },
      );
    return { program, args: rest, name: 'your command' };
  }
  const known: KnownEditor = editor;
  const found = editorsOn(env, platform).find((e) => e.id === known);
  if (!found?.program)
    throw new AppError(
      'unavailable',
      `${KNOWN_EDITORS[known].name} is not installed here: none of ${KNOWN_EDITORS[known].programs.map((p) => `\`${p}\``).join(', ')} is on the PATH of the person who started Baton`,
      { field: 'editor' },
    );
  return { program: found.program, args: [path], name: KNOWN_EDITORS[known].name };
}

/**
 * Starts `program` with `args` detached from Baton (it outlives Baton, as an editor the person
 * opened should), its output ignored, with `env` (the person's environment), in `cwd`. No shell:
 * every argument reaches the program as it is. Resolves once it has started; a program that
 * cannot start is an error naming it.
 */
export function launchDetached(program: string, args: string[], env: Env, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: { ...env },
      detached: true,
      stdio: 'ignore',
      shell: false,
      windowsHide: false,
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
    child.once('error', (err) =>
      reject(
        new AppError('unavailable', `${program} could not be started: ${err.message}`, { field: 'editor' }),
      ),
    );
  });
}
