import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ToolSourceOf } from '../../../../src-shared/schemas/agent-tools.ts';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import { whenAborted } from '../../../base/abort.ts';
import { ConfinedFolder, type OpenFolder } from '../../../files/confined-folder.ts';
import { spawnTree } from '../../../processes/process-tree.ts';
import { passedOn } from '../../../processes/user-env.ts';
import { confine, exitOutside, inFolder } from '../../../sandbox/index.ts';
import type { ToolSandbox } from './refusals.ts';
import { Refusals } from './refusals.ts';
import type { ToolInfo, ToolOutcome, ToolSourceHandle } from './tool-source.ts';
import { capText, TOOL_TEXT_CAP } from './tool-source.ts';

const MAX_LISTED = 1_000;
const MAX_MATCHES = 200;
const MAX_SEARCHED_BYTES = 1_000_000;
const MAX_SEARCH_DEPTH = 64;
const DEFAULT_COMMAND_TIMEOUT_S = 120;
/** What a command gets of the person's environment (`passedOn`: Baton's own taken out). */
const COMMAND_ENV = ['PATH', 'HOME', 'LANG', 'TERM', 'TMPDIR'];

const pathArg = { type: 'string', description: 'A path relative to the workspace folder' };

/**
 * Baton's built-in workspace tools. The file tools are confined to one folder (`ConfinedFolder`):
 * a path that leads outside it (`..`, an absolute path elsewhere) is refused and no symbolic link
 * is followed. `run_command` is offered only when the config names programs, and runs only those,
 * without a shell, in the folder, with a minimal environment, stopped with its whole process tree
 * when it times out or the attempt ends. Its arguments are not checked: the OS sandbox (`sandbox`,
 * the agent's policy; the default one without) keeps it to writing the folder, reading no hidden
 * path and reaching only the policy's hosts, and what it refuses goes to `sandbox.refusals`.
 */
export function openWorkspaceTools(
  source: ToolSourceOf<'workspace'>,
  workspace: string,
  sandbox: ToolSandbox = {
    policy: DEFAULT_SANDBOX,
    hide: [],
    owner: 'the workspace tools',
    refusals: new Refusals(),
  },
): ToolSourceHandle {
  const root = resolve(source.dir ?? workspace);
  const info = (
    name: string,
    description: string,
    schema: Record<string, unknown>,
    ro: boolean,
    idem: boolean,
  ): ToolInfo => ({
    source: source.name,
    name,
    description,
    input_schema: { type: 'object', ...schema },
    read_only: ro,
    idempotent: idem,
  });
  const tools: ToolInfo[] = [
    info(
      'list_files',
      'List the files and folders in a folder of the workspace (folders end with /).',
      { properties: { path: pathArg } },
      true,
      true,
    ),
    info(
      'read_file',
      'Read a text file of the workspace.',
      { properties: { path: pathArg }, required: ['path'] },
      true,
      true,
    ),
    info(
      'search_files',
      'Find lines containing a text (case-insensitive) in the files of the workspace, as path:line: text.',
      { properties: { text: { type: 'string' }, path: pathArg }, required: ['text'] },
      true,
      true,
    ),
    info(
      'write_file',
      'Write a text file in the workspace (folders are created), replacing it if it exists.',
      { properties: { path: pathArg, content: { type: 'string' } }, required: ['path', 'content'] },
      false,
      true,
    ),
  ];
  if (source.commands.length > 0)
    tools.push(
      info(
        'run_command',
        `Run a program in the workspace folder, without a shell. Allowed programs: ${source.commands.join(', ')}.`,
        {
          properties: {
            command: { type: 'string', enum: source.commands },
            args: { type: 'array', items: { type: 'string' } },
          },
          required: ['command'],
        },
        false,
        false,
      ),
    );

  const folder = new ConfinedFolder(root, { label: 'the workspace folder' });
  const run = async (
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolOutcome> => {
    switch (tool) {
      case 'list_files': {
        const dir = await folder.folder(optionalString(args, 'path') ?? '.');
        try {
          const names = (await dir.entries())
            .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
            .slice(0, MAX_LISTED);
          return { ok: true, text: names.join('\n') || '(empty folder)' };
        } finally {
          await dir.close();
        }
      }
      case 'read_file':
        return { ok: true, text: capText((await folder.readFile(string(args, 'path'))).toString('utf8')) };
      case 'search_files': {
        const needle = string(args, 'text').toLowerCase();
        const start = await folder.entry(optionalString(args, 'path') ?? '.');
        const found: string[] = [];
        if ('file' in start) await searchFile(start.file, needle, found);
        else
          try {
            await searchFolder(start.folder, needle, found, 0);
          } finally {
            await start.folder.close();
          }
        return { ok: true, text: found.length ? found.join('\n') : 'no match' };
      }
      case 'write_file': {
        const content = string(args, 'content');
        const rel = await folder.writeFile(string(args, 'path'), content, { makeFolders: true });
        return { ok: true, text: `wrote ${Buffer.byteLength(content)} bytes to ${rel}` };
      }
      case 'run_command': {
        if (source.commands.length === 0) return { ok: false, text: 'no workspace tool "run_command"' };
        const command = string(args, 'command');
        if (!source.commands.includes(command))
          return {
            ok: false,
            text: `"${command}" is not an allowed program (allowed: ${source.commands.join(', ')})`,
          };
        const argv = args.args === undefined ? [] : args.args;
        if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string'))
          return { ok: false, text: 'args: expected an array of strings' };
        return runCommand(
          command,
          argv as string[],
          root,
          (source.command_timeout_s ?? DEFAULT_COMMAND_TIMEOUT_S) * 1000,
          signal,
          sandbox,
        );
      }
      default:
        return { ok: false, text: `no workspace tool "${tool}"` };
    }
  };

  return {
    name: source.name,
    tools,
    async call(tool, args, signal) {
      try {
        return await run(tool, args, signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        return { ok: false, text: (err as Error).message };
      }
    },
    close: async () => {},
  };
}

function string(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string') throw new Error(`${key}: expected a string`);
  return v;
}

function optionalString(args: Record<string, unknown>, key: string): string | undefined {
  return args[key] === undefined || args[key] === null ? undefined : string(args, key);
}

/** Lines of the folder's files holding `needle`; links are not followed, `.git` and `node_modules` not searched. */
async function searchFolder(dir: OpenFolder, needle: string, found: string[], depth: number): Promise<void> {
  if (depth > MAX_SEARCH_DEPTH) return;
  for (const e of await dir.entries()) {
    if (found.length >= MAX_MATCHES) return;
    if (e.name === '.git' || e.name === 'node_modules') continue;
    if (e.isDirectory()) {
      const sub = await dir.folder(e.name).catch(() => null);
      if (!sub) continue;
      try {
        await searchFolder(sub, needle, found, depth + 1);
      } finally {
        await sub.close();
      }
    } else if (e.isFile()) {
      const file = await dir.open(e.name, constants.O_RDONLY).catch(() => null);
      if (file) await searchFile({ ...file, rel: dir.relOf(e.name) }, needle, found);
    }
  }
}

/** Lines of an open file holding `needle` (closes it). */
async function searchFile(
  file: { handle: FileHandle; stats: Stats; rel: string },
  needle: string,
  found: string[],
): Promise<void> {
  try {
    if (!file.stats.isFile() || file.stats.size > MAX_SEARCHED_BYTES) return;
    const lines = (await file.handle.readFile('utf8')).split('\n');
    for (let i = 0; i < lines.length && found.length < MAX_MATCHES; i++)
      if (lines[i]!.toLowerCase().includes(needle))
        found.push(`${file.rel}:${i + 1}: ${lines[i]!.slice(0, 300)}`);
  } finally {
    await file.handle.close();
  }
}

async function runCommand(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
  sandbox: ToolSandbox,
): Promise<ToolOutcome> {
  const env = passedOn(COMMAND_ENV);
  const confined = await confine({ ...inFolder(sandbox, cwd, env), command, args });
  if (!confined.ok) return { ok: false, text: `could not run "${command}": ${confined.error}` };
  const program = confined.program;
  const ran = await new Promise<{
    code: number | null;
    sig: NodeJS.Signals | null;
    why: string | null;
    out: string;
    error?: string;
  }>((done) => {
    const marker = `tool/${randomUUID()}`;
    const tree = spawnTree(program.command, program.args, {
      env: program.env,
      cwd,
      graceMs: 1_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      id: marker,
    });
    let out = '';
    let err = '';
    const add = (chunk: Buffer) => {
      if (out.length < TOOL_TEXT_CAP) out += chunk.toString('utf8');
    };
    tree.child.stdout?.on('data', add);
    tree.child.stderr?.on('data', (chunk: Buffer) => {
      add(chunk);
      // Whole lines, for what the sandbox hid (a read shows only in the program's error).
      err += chunk.toString('utf8');
      const lines = err.split('\n');
      err = lines.pop()!.slice(-TOOL_TEXT_CAP);
      for (const line of lines) program.stderr(line);
    });
    let why: string | null = null;
    const stop = (reason: string) => {
      why = reason;
      void tree.stop();
    };
    const timer = setTimeout(() => stop(`timed out after ${timeoutMs / 1000} s`), timeoutMs);
    const forget = whenAborted(signal, () => stop('stopped: the attempt ended'));
    tree.child.on('error', (e) => {
      clearTimeout(timer);
      forget();
      done({ code: null, sig: null, why, out, error: e.message });
    });
    tree.child.on('close', (code, sig) => {
      clearTimeout(timer);
      forget();
      if (err) program.stderr(err);
      void tree.stop().then(() => done({ code, sig, why, out }));
    });
  });
  await program.release();
  const refused = program.take();
  sandbox.refusals.add(`run_command ${command}`, refused);
  if (ran.error !== undefined) return { ok: false, text: `could not run "${command}": ${ran.error}` };
  const { code, signal: sig } = exitOutside(program.sandboxed, ran.code, ran.sig);
  const status = ran.why ?? (sig ? `killed by ${sig}` : `exit code ${code}`);
  // The model is told what the sandbox refused, so it need not guess from the errors.
  const told = refused.map((b) => `[${b.text}]`).join('\n');
  return {
    ok: ran.why === null && code === 0,
    text: capText(`${ran.out.replace(/\n$/, '')}\n${told ? `${told}\n` : ''}[${status}]`.trim()),
  };
}
