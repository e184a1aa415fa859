import { isAbsolute, relative } from 'node:path';
import type { ToolCallDiff, WritePreview } from '../../../src-shared/schemas/approval.ts';
import { unifiedDiff } from './line-diff.ts';

/**
 * The inbox's preview of an edit that carries its own change (an ACP tool call's `diff`
 * content): the file's path (inside the worktree, relative to it), its text before and after,
 * and their unified diff.
 */
export function diffPreview(d: ToolCallDiff, worktree: string | undefined): WritePreview {
  const rel = worktree && isAbsolute(d.path) ? relative(worktree, d.path) : '';
  const path = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : d.path;
  return {
    ok: true,
    path,
    before: d.old_text,
    after: d.new_text,
    diff: unifiedDiff(path, d.old_text, d.new_text),
  };
}
