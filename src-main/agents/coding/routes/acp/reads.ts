import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ToolCallUpdate } from '@agentclientprotocol/sdk';

/** The keys that name files or folders: each must be inside the worktree. */
const PATH_KEYS: ReadonlySet<string> = new Set([
  'file_path',
  'filePath',
  'absolute_path',
  'notebook_path',
  'path',
  'paths',
  'dir_path',
  'directory',
]);

/**
 * The keys a tool call's input may hold and still only look: what to read, search or fetch and
 * how much (Claude Code's Read, Grep, Glob, WebFetch, WebSearch; Gemini CLI's and qwen-code's
 * read_file, read_many_files, list_directory, glob, search_file_content, web_fetch,
 * google_web_search; opencode's read, grep, glob, list, webfetch). Any other key (a `command`,
 * a `content`, an `old_string`) is something the call does besides looking.
 */
const LOOK_KEYS: ReadonlySet<string> = new Set([
  // what
  ...PATH_KEYS,
  'pattern',
  'glob',
  'include',
  'exclude',
  'ignore',
  'query',
  'url',
  'prompt',
  'allowed_domains',
  'blocked_domains',
  'thought',
  'description',
  // how much, how
  'offset',
  'limit',
  'pages',
  'line',
  'type',
  'output_mode',
  'head_limit',
  'multiline',
  'case_sensitive',
  'respect_git_ignore',
  'file_filtering_options',
  'recursive',
  'useDefaultExcludes',
  'format',
  'timeout',
  'max_results',
  '-i',
  '-n',
  '-A',
  '-B',
  '-C',
]);

/** Patterns that may be paths too (Claude Code's Glob takes `/home/me/**`): judged as one when they look like one. */
const PATTERN_KEYS: ReadonlySet<string> = new Set(['pattern', 'glob', 'include']);

/**
 * Whether a permission request an agent labelled read-only (`read`, `search`, `think`, `fetch`)
 * only looks, judged by what it carries rather than its label: no diff or terminal in its
 * content, every location inside the worktree, and an input (`rawInput`; none is judged by the
 * rest) that holds only keys that say what to look at and how (`LOOK_KEYS`), its paths inside
 * the worktree (a relative one from the worktree; links resolved where they exist). A call that
 * does not only look is asked about like any other.
 */
export function onlyLooks(
  call: Pick<ToolCallUpdate, 'rawInput' | 'locations' | 'content'>,
  worktree: string,
): boolean {
  if ((call.content ?? []).some((c) => c.type !== 'content')) return false;
  const root = real(resolve(worktree));
  const inside = (p: unknown) => typeof p === 'string' && p !== '' && within(root, worktree, p);
  if (!(call.locations ?? []).every((l) => inside(l.path))) return false;
  const input = call.rawInput;
  if (input === undefined || input === null) return true;
  if (typeof input !== 'object' || Array.isArray(input)) return false;
  for (const [key, value] of Object.entries(input)) {
    if (!LOOK_KEYS.has(key)) return false;
    if (value === null || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (PATH_KEYS.has(key) && !values.every(inside)) return false;
    if (PATTERN_KEYS.has(key) && !values.every((v) => typeof v !== 'string' || !pathLike(v) || inside(v)))
      return false;
  }
  return true;
}

/** A pattern that names a place: absolute, from the home folder, or climbing out with `..`. */
const pathLike = (v: string): boolean =>
  isAbsolute(v) || v.startsWith('~') || v.split(/[/\\]/).includes('..');

/** Whether `p` (relative: from the worktree) is the worktree or inside it, links resolved. */
function within(root: string, worktree: string, p: string): boolean {
  if (p.startsWith('~')) return false;
  const rel = relative(root, real(resolve(worktree, p)));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `p`: its deepest existing folder resolved (links followed), the rest as written. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : resolve(real(parent), p.slice(parent.length + 1));
  }
}
