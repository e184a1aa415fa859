import type { WritePreview } from '../../../../src-shared/schemas/approval.ts';
import type { PreviewedCall } from '../../shared/write-preview.ts';
import { previewIn, stringAt } from '../../shared/write-preview.ts';

/**
 * What a coding CLI's own file tool would change, for the inbox (a Claude Code call asked about
 * through Baton's `approve` tool): `Write` (`{file_path, content}`) and `Edit` (`{file_path, old_string,
 * new_string, replace_all}`), read only inside the attempt's worktree. Null for any other tool.
 */
export async function cliWritePreview(
  call: Omit<PreviewedCall, 'server'>,
  worktree: string,
): Promise<WritePreview | null> {
  if (call.tool !== 'Write' && call.tool !== 'Edit') return null;
  const path = call.input.file_path;
  if (typeof path !== 'string' || path === '')
    return { ok: false, path: null, error: 'file_path: expected the file’s path as a string' };
  return previewIn(path, worktree, [worktree], (before) => {
    if (call.tool === 'Write') return stringAt(call.input, 'content');
    const from = stringAt(call.input, 'old_string');
    const to = stringAt(call.input, 'new_string');
    if (typeof from !== 'string') return from;
    if (typeof to !== 'string') return to;
    if (before === null) return { error: 'no preview: Edit changes a file that does not exist' };
    if (!before.includes(from)) return { error: 'old_string is not in the file as written' };
    return call.input.replace_all === true ? before.split(from).join(to) : before.replace(from, () => to);
  });
}
