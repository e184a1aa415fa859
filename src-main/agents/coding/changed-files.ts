import { isCodingOutput } from '../../../src-shared/schemas/plain/workspace.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import type { CodingStore } from './repos/coding-store.ts';
import { fileHeads } from './workspaces/index.ts';

/** Files of a coding task a decider is given, at most, and characters of each (the first 500). */
const MAX_FILES_READ = 12;
const FILE_CHARS = 500;

interface CodingFiles {
  repo: string;
  commit: string;
  paths: string[];
}

/**
 * The files a done coding task changed, for a plan's decider to read (the coding kind's
 * `outputFiles`): a reader called once the transaction commits, or null for any other output.
 */
export function changedFilesOf(
  store: CodingStore,
  task: TaskRun,
): ((into: Record<string, string>) => Promise<void>) | null {
  const out = task.output;
  if (task.status !== 'done' || !isCodingOutput(out)) return null;
  const paths = out.files.filter((f) => f.status !== 'deleted').map((f) => f.path);
  const workspace = store.workspaces.get(out.workspace_id);
  if (!workspace || paths.length === 0) return null;
  const files = { repo: workspace.path, commit: out.commit, paths: paths.slice(0, MAX_FILES_READ) };
  return (into) => readCodingFiles(files, into);
}

/**
 * The decider reads the files agents created: the first 500 characters of each file a coding
 * task changed, by path, read from its commit (the branch stays; its worktree may be gone). Read
 * after commit, outside the tick, as git takes its time; a file that cannot be read says why.
 */
async function readCodingFiles(files: CodingFiles, outputs: Record<string, string>): Promise<void> {
  try {
    const heads = await fileHeads({
      repo: files.repo,
      commit: files.commit,
      files: files.paths,
      lines: 200,
      maxChars: FILE_CHARS,
    });
    for (const h of heads) {
      if (h.path in outputs) continue; // an artifact of the same name was read already
      outputs[h.path] =
        'skipped' in h ? `(not read: ${h.skipped.replace('_', ' ')})` : h.text.slice(0, FILE_CHARS);
    }
  } catch (err) {
    outputs['(files)'] =
      `the changed files could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
}
