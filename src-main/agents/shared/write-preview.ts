import { isAbsolute, resolve } from 'node:path';
import type { ToolSource } from '../../../src-shared/schemas/agent-tools.ts';
import type { WritePreview } from '../../../src-shared/schemas/approval.ts';
import { ConfinedFolder, FolderError } from '../../files/confined-folder.ts';
import { unifiedDiff } from './line-diff.ts';

/** Files larger than this are not read for a preview. */
const MAX_PREVIEW_BYTES = 1_000_000;

/** The call a preview is asked for: its tool, its source, its arguments. */
export interface PreviewedCall {
  tool: string;
  /** The source's name as the agent config has it (null: a coding CLI's own tool). */
  server: string | null;
  input: Record<string, unknown>;
}

/**
 * What a tool call that writes a file would change, for the inbox: the built-in workspace tools'
 * `write_file`, and an MCP server's `write_file` (`{path, content}`) or `edit_file`
 * (`{path, edits: [{oldText, newText}]}`, as @modelcontextprotocol/server-filesystem has them).
 * Null for any other tool. A file is read only where the tool may write: inside the workspace
 * tools' folder, or for an MCP stdio server inside one of the folders its arguments name (the
 * filesystem server's allowed directories); a relative path is taken from `workspace`, where
 * Baton starts the server. No symbolic link is followed to read it (`ConfinedFolder`).
 */
export async function writePreview(
  call: PreviewedCall,
  sources: readonly ToolSource[],
  workspace: string,
): Promise<WritePreview | null> {
  if (call.tool !== 'write_file' && call.tool !== 'edit_file') return null;
  const source = sources.find((s) => s.name === call.server);
  if (!source || source.kind === 'mcp_http') return null;
  if (source.kind === 'workspace' && call.tool !== 'write_file') return null;
  const path = call.input.path;
  if (typeof path !== 'string' || path === '')
    return { ok: false, path: null, error: 'path: expected the file’s path as a string' };
  const folders =
    source.kind === 'workspace' ? [source.dir ?? workspace] : source.args.filter((a) => isAbsolute(a));
  const base = source.kind === 'workspace' ? (source.dir ?? workspace) : workspace;
  return previewIn(path, base, folders, (before) =>
    call.tool === 'write_file' ? stringAt(call.input, 'content') : applyEdits(before, call.input.edits),
  );
}

/**
 * `path` (from `base`) read where one of `folders` holds it, and the text `after` makes of it:
 * the preview of every tool that writes a file (here, and a coding CLI's own in the coding wing).
 */
export async function previewIn(
  path: string,
  base: string,
  folders: string[],
  after: (before: string | null) => string | { error: string },
): Promise<WritePreview> {
  const target = resolve(base, path);
  const where = await holder(target, folders);
  if (!where)
    return {
      ok: false,
      path,
      error: `no preview: ${path} is outside the folders the tool may write (${folders.join(', ') || 'none named'})`,
    };
  const { folder, rel } = where;
  let before: string | null;
  try {
    before = await readBefore(folder, rel);
  } catch (err) {
    return { ok: false, path, error: `no preview: ${(err as Error).message}` };
  }
  const shown = rel || path;
  const text = after(before);
  if (typeof text !== 'string') return { ok: false, path, error: text.error };
  return { ok: true, path: shown, before, after: text, diff: unifiedDiff(shown, before, text) };
}

/**
 * The file as it is now (null: not there yet), read as the workspace tools would write it: no
 * symbolic link followed, on the way or at the end; a file with other names (hard links) is not
 * shown, as writing it would change them too.
 */
async function readBefore(folder: ConfinedFolder, rel: string): Promise<string | null> {
  let file: Awaited<ReturnType<ConfinedFolder['file']>>;
  try {
    file = await folder.file(rel);
  } catch (err) {
    if (err instanceof FolderError && err.reason === 'missing') return null;
    throw err;
  }
  try {
    if (file.stats.nlink > 1)
      throw new Error(
        `path "${rel}" is a file with ${file.stats.nlink} names (hard links); writing it would change the others too`,
      );
    if (file.stats.size > MAX_PREVIEW_BYTES)
      throw new Error(`path "${rel}" is over ${MAX_PREVIEW_BYTES} bytes`);
    return (await file.handle.readFile()).toString('utf8');
  } finally {
    await file.handle.close();
  }
}

/** The first of `folders` whose path (as given, or real) holds `target`, and the path in it. */
async function holder(
  target: string,
  folders: string[],
): Promise<{ folder: ConfinedFolder; rel: string } | null> {
  for (const f of folders) {
    const folder = new ConfinedFolder(f);
    const parts = await folder.parts(target).catch(() => null);
    if (parts) return { folder, rel: parts.join('/') };
  }
  return null;
}

/** `input[key]` as a string, or the error that says it is not one. */
export function stringAt(input: Record<string, unknown>, key: string): string | { error: string } {
  const v = input[key];
  return typeof v === 'string' ? v : { error: `${key}: expected a string` };
}

/** The file after the filesystem server's `edit_file` edits, each `oldText` replaced once, in order. */
function applyEdits(before: string | null, edits: unknown): string | { error: string } {
  if (before === null) return { error: 'no preview: edit_file edits a file that does not exist' };
  if (!Array.isArray(edits)) return { error: 'edits: expected a list of {oldText, newText}' };
  let text = before;
  for (const [i, e] of edits.entries()) {
    const edit = e as { oldText?: unknown; newText?: unknown } | null;
    if (typeof edit?.oldText !== 'string' || typeof edit.newText !== 'string')
      return { error: `edits[${i}]: expected {oldText, newText} as strings` };
    const at = text.indexOf(edit.oldText);
    if (at < 0) return { error: `edits[${i}].oldText is not in the file as written` };
    text = text.slice(0, at) + edit.newText + text.slice(at + edit.oldText.length);
  }
  return text;
}
