import { CODING_CLIS, type CodingCli } from '../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import { arr, isObject, obj, str } from '../streams/json.ts';
import { CODING_CLI_DEFINITIONS } from './index.ts';

/**
 * Each CLI's tools that write or edit files, by the names its stream records (its definition's
 * `stream.fileChangeTools`). A shell command can change files too: the worktree's git diff, not
 * this list, says what changed. The parsers' tests read a CLI's steps with it.
 */
const BY_CLI = new Map<CodingCli, ReadonlySet<string>>(
  CODING_CLIS.map((cli) => [cli, new Set(CODING_CLI_DEFINITIONS[cli].stream.fileChangeTools)]),
);
const ANY_CLI = new Set([...BY_CLI.values()].flatMap((tools) => [...tools]));

/** Whether a step is a call of a file-writing tool (of `cli`, or of any CLI's). */
export function isFileChange(step: Step, cli?: CodingCli): boolean {
  if (step.kind !== 'tool_call' || step.server !== null) return false;
  return (cli === undefined ? ANY_CLI : BY_CLI.get(cli))?.has(step.name) === true;
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
