import type { Step } from '../../../../src-shared/schemas/step.ts';
import { arr, isObject, obj, str } from './json.ts';
import type { CodingCli } from './recorder.ts';

/**
 * Each CLI's tools that write or edit files, by the names its stream records (codex's
 * `file_change` is an item type: its model's `apply_patch` call is not printed). A shell
 * command can change files too: the worktree's git diff, not this list, says what changed.
 */
export const FILE_CHANGE_TOOLS: Readonly<Record<CodingCli, readonly string[]>> = {
  claude: ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'],
  codex: ['file_change'],
  opencode: ['write', 'edit', 'multiedit', 'patch', 'apply_patch'],
  qwen: ['write_file', 'edit', 'replace', 'notebook_edit'],
};

const ANY_CLI = new Set(Object.values(FILE_CHANGE_TOOLS).flat());
const BY_CLI: Record<CodingCli, ReadonlySet<string>> = {
  claude: new Set(FILE_CHANGE_TOOLS.claude),
  codex: new Set(FILE_CHANGE_TOOLS.codex),
  opencode: new Set(FILE_CHANGE_TOOLS.opencode),
  qwen: new Set(FILE_CHANGE_TOOLS.qwen),
};

/** Whether a step is a call of a file-writing tool (of `cli`, or of any of the four). */
export function isFileChange(step: Step, cli?: CodingCli): boolean {
  if (step.kind !== 'tool_call' || step.server !== null) return false;
  return (cli === undefined ? ANY_CLI : BY_CLI[cli]).has(step.name);
}

/**
 * The files a file-changing call names, as given (absolute for claude and qwen, as the tool
 * was called for opencode): `file_path`, `filePath`, `notebook_path`, or codex's
 * `changes[].path`. Empty for other steps.
 */
export function changedPaths(step: Step, cli?: CodingCli): string[] {
  if (step.kind !== 'tool_call' || !isFileChange(step, cli) || !isObject(step.input)) return [];
  const input = step.input;
  const one = str(input.file_path) ?? str(input.filePath) ?? str(input.notebook_path);
  if (one !== null) return [one];
  return arr(input.changes)
    .map((c) => str(obj(c).path))
    .filter((p): p is string => p !== null);
}
