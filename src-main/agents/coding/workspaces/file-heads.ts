import { posix } from 'node:path';
import { WorkspaceError } from './errors.ts';
import { git } from './git.ts';
import { requireCommit } from './refs.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';

export interface FileHeadsInput extends Cancellable {
  repo: string;
  commit: string;
  /** Paths from the repository's top, as `diffSince` gives them. */
  files: readonly string[];
  /** Lines per file (default 40). */
  lines?: number;
  /** Files larger than this are not read (default 1 MB). */
  maxFileBytes?: number;
  /** Bytes read in all (default 16 MB): files past it, in the order given, are skipped (`over_budget`). */
  maxTotalBytes?: number;
  /** Characters of text per file at most (default 8,000): a minified file's one line is cut. */
  maxChars?: number;
}

export type FileHead =
  | {
      path: string;
      /** The file's first lines. */
      text: string;
      /** Whether the file goes on past them. */
      truncated: boolean;
    }
  | { path: string; skipped: 'missing' | 'not_a_file' | 'binary' | 'too_large' | 'over_budget' };

/**
 * The first lines of files at a commit, for the prompt of a dependent task ("the first lines
 * of the files they changed"). Two git processes whatever the number of files: `cat-file
 * --batch-check` for each file's kind and size, `cat-file --batch` for the contents of those
 * worth reading.
 * A file that is not there, a folder or submodule, a binary file (a NUL byte in its first
 * 8,000, as git judges), one past `maxFileBytes`, or past `maxTotalBytes` read in all, is
 * named with why it was skipped.
 */
export async function fileHeads(input: FileHeadsInput): Promise<FileHead[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = { cwd: repo.path, ...c };
  const commit = await requireCommit(repo, input.commit, 'commit', c);
  const lines = input.lines ?? 40;
  const maxFileBytes = input.maxFileBytes ?? 1024 * 1024;
  const maxChars = input.maxChars ?? 8_000;
  if (!Number.isInteger(lines) || lines < 1) {
    throw new WorkspaceError('invalid_path', `lines: ${lines} is not a positive whole number`, {
      field: 'lines',
    });
  }
  const paths = [...new Set(input.files.map((f, i) => checkPath(f, i)))];
  if (paths.length === 0) return [];

  // One name per path, NUL-separated (a path may hold a newline); answers come in the same order.
  const checked = await git(['cat-file', '--batch-check', '-z'], {
    ...at,
    input: paths.map((p) => `${commit}:${p}\0`).join(''),
  });
  const found = new Map<string, { type: string; id: string; size: number }>();
  const out = checked.stdout.toString('utf8');
  let at0 = 0;
  for (const path of paths) {
    const missing = `${commit}:${path} missing\n`;
    if (out.startsWith(missing, at0)) {
      at0 += missing.length;
      continue;
    }
    const end = out.indexOf('\n', at0);
    const [id = '', type = '', size = ''] = out.slice(at0, end).split(' ');
    found.set(path, { type, id, size: Number(size) });
    at0 = end + 1;
  }
  let budget = input.maxTotalBytes ?? 16 * 1024 * 1024;
  const overBudget = new Set<string>();
  const toRead = paths.filter((p) => {
    const f = found.get(p);
    if (f?.type !== 'blob' || f.size > maxFileBytes) return false;
    if (f.size > budget) {
      overBudget.add(p);
      return false;
    }
    budget -= f.size;
    return true;
  });
  const contents = new Map<string, Buffer>();
  if (toRead.length > 0) {
    const ids = toRead.map((p) => found.get(p)!.id);
    const batch = await git(['cat-file', '--batch'], {
      ...at,
      input: `${ids.join('\n')}\n`,
      maxOutputBytes: toRead.reduce((sum, p) => sum + found.get(p)!.size + 128, 0),
    });
    let pos = 0;
    for (const path of toRead) {
      const headerEnd = batch.stdout.indexOf(10, pos);
      const size = Number(batch.stdout.subarray(pos, headerEnd).toString('latin1').split(' ')[2]);
      contents.set(path, batch.stdout.subarray(headerEnd + 1, headerEnd + 1 + size));
      pos = headerEnd + 1 + size + 1;
    }
  }
  return paths.map((path): FileHead => {
    const f = found.get(path);
    if (!f) return { path, skipped: 'missing' };
    if (f.type !== 'blob') return { path, skipped: 'not_a_file' };
    const bytes = contents.get(path);
    if (overBudget.has(path)) return { path, skipped: 'over_budget' };
    if (!bytes) return { path, skipped: 'too_large' };
    if (bytes.subarray(0, 8000).includes(0)) return { path, skipped: 'binary' };
    return head(path, bytes.toString('utf8'), lines, maxChars);
  });
}

function head(path: string, text: string, lines: number, maxChars: number): FileHead {
  let end = 0;
  for (let n = 0; n < lines; n++) {
    const nl = text.indexOf('\n', end);
    if (nl < 0) {
      end = text.length;
      break;
    }
    end = nl + 1;
  }
  let cut = text.slice(0, end);
  if (cut.length > maxChars) cut = cut.slice(0, maxChars);
  return { path, text: cut, truncated: cut.length < text.length };
}

/** A path from the repository's top (field `files[i]`), normalised; absolute ones and ones leaving the top are refused. */
function checkPath(file: string, i: number): string {
  const norm = typeof file === 'string' ? posix.normalize(file.replaceAll('\\', '/')) : '';
  if (
    norm === '' ||
    norm === '.' ||
    norm.includes('\0') ||
    posix.isAbsolute(norm) ||
    norm.startsWith('../') ||
    norm === '..'
  ) {
    throw new WorkspaceError(
      'invalid_path',
      `files[${i}]: ${JSON.stringify(file)} is not a path inside the repository`,
      {
        field: `files[${i}]`,
      },
    );
  }
  return norm.replace(/\/$/, '');
}
