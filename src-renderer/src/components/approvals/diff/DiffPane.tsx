import { useState } from 'react';
import type { LineComment } from '../../../approvals/diff-review.ts';
import type { ReviewFile } from '../../../approvals/review-files.ts';
import type { ViewedState } from '../../../approvals/viewed-files.ts';
import { DiffFileView } from './DiffFileView.tsx';

/**
 * The picked file of a diff review: its path, "Viewed" (a viewed file is folded to one line,
 * opened again on demand; one changed since it was marked says so), unified or split, and its
 * diff with the line comments.
 */
export function DiffPane({
  file,
  viewed,
  onViewed,
  comments,
  onAdd,
  onRemove,
}: {
  file: ReviewFile;
  viewed: ViewedState;
  /** Absent: no Viewed box (a read-only view of accepted work). */
  onViewed?: ((viewed: boolean) => void) | undefined;
  comments: readonly LineComment[];
  /** Absent: read only, no line comments. */
  onAdd?: ((c: LineComment) => void) | undefined;
  onRemove(c: LineComment): void;
}) {
  const [mode, setMode] = useState<'unified' | 'split'>('unified');
  // Viewed files opened again on this screen (folded again once unmarked and marked).
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const folded = viewed === 'viewed' && !opened.has(file.path);
  const setOpen = (open: boolean) =>
    setOpened((now) => {
      const next = new Set(now);
      if (open) next.add(file.path);
      else next.delete(file.path);
      return next;
    });
  return (
    <div className="diff-pane">
      <div className="diff-toolbar">
        <strong className="diff-path">{file.path}</strong>
        <span className="diff-toolbar-actions">
          {viewed === 'changed' && <span className="viewed-changed small">Changed since viewed</span>}
          {onViewed && (
            <label className="diff-viewed small">
              <input
                type="checkbox"
                checked={viewed === 'viewed'}
                aria-label={`Viewed ${file.path}`}
                onChange={(e) => {
                  onViewed(e.target.checked);
                  setOpen(false);
                }}
              />
              Viewed
            </label>
          )}
          <button type="button" aria-pressed={mode === 'unified'} onClick={() => setMode('unified')}>
            Unified
          </button>
          <button type="button" aria-pressed={mode === 'split'} onClick={() => setMode('split')}>
            Split
          </button>
        </span>
      </div>
      {folded ? (
        <p className="muted small diff-folded">
          You marked {file.path} viewed: its diff is folded.{' '}
          <button type="button" className="link" aria-expanded={false} onClick={() => setOpen(true)}>
            Show its diff
          </button>
        </p>
      ) : (
        <FilePane file={file} mode={mode} comments={comments} onAdd={onAdd} onRemove={onRemove} />
      )}
    </div>
  );
}

/** The picked file's diff, or why it is not shown. */
function FilePane({
  file,
  ...rest
}: {
  file: ReviewFile;
  mode: 'unified' | 'split';
  comments: readonly LineComment[];
  onAdd?: ((c: LineComment) => void) | undefined;
  onRemove(c: LineComment): void;
}) {
  if (!file.part)
    return (
      <p className="muted small diff-past-cut" role="note">
        {file.path}: its diff is past the first 1 MB read here. The task panel downloads the whole diff.
      </p>
    );
  return <DiffFileView file={file.part} {...rest} />;
}
