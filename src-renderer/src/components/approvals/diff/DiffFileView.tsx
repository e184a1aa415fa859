import '@git-diff-view/react/styles/diff-view-pure.css';
import { DiffModeEnum, DiffView, SplitSide } from '@git-diff-view/react';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DiffFilePart, LineComment } from '../../../approvals/diff-review.ts';
import { commentsByLine, langOf } from '../../../approvals/diff-review.ts';
import { watchLineButtons } from './line-buttons.ts';

/** What git-diff-view hands `onCreateUseWidgetHook`: its store of the line whose comment form is open. */
type WidgetStore = {
  getReadonlyState(): { setWidget(w: { side?: SplitSide; lineNumber?: number }): void };
};

const DARK = '(prefers-color-scheme: dark)';
const subscribeDark = (onChange: () => void) => {
  const q = window.matchMedia(DARK);
  q.addEventListener('change', onChange);
  return () => q.removeEventListener('change', onChange);
};

/** Follows the OS's light or dark theme as it changes, as the rest of the app (its CSS) does. */
export function useDark(): boolean {
  return useSyncExternalStore(subscribeDark, () => window.matchMedia(DARK).matches);
}

/**
 * One file's diff (git-diff-view: unified or split, highlighted), with the reviewer's line
 * comments under their lines and a named "+" button on each line to add one (line-buttons.ts:
 * reached with Tab, shown on hover and on focus); the form opens under the line, and the
 * focus goes back to the line's button when it closes.
 */
export function DiffFileView({
  file,
  mode,
  comments,
  onAdd,
  onRemove,
}: {
  file: DiffFilePart;
  mode: 'unified' | 'split';
  comments: readonly LineComment[];
  /** Absent: read only (no "+" to comment on a line: the task panel's view of accepted work). */
  onAdd?: ((c: LineComment) => void) | undefined;
  onRemove(c: LineComment): void;
}) {
  const dark = useDark();
  const data = useMemo(
    () => ({
      oldFile: { fileName: file.oldPath ?? file.path, fileLang: langOf(file.oldPath ?? file.path) },
      newFile: { fileName: file.newPath ?? file.path, fileLang: langOf(file.newPath ?? file.path) },
      hunks: [file.text],
    }),
    [file],
  );
  const extend = useMemo(() => commentsByLine(comments, file.path), [comments, file.path]);
  const root = useRef<HTMLElement>(null);
  const widgets = useRef<WidgetStore | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    const el = root.current;
    if (!el || file.binary || !onAdd) return;
    return watchLineButtons(el, file.path, (t, button) => {
      opener.current = button;
      widgets.current
        ?.getReadonlyState()
        .setWidget({ lineNumber: t.line, side: t.side === 'old' ? SplitSide.old : SplitSide.new });
    });
  }, [file.path, file.binary, onAdd]);
  const closed = (close: () => void) => () => {
    close();
    const back = opener.current;
    // The focus was in the form, now gone: back to the line it was opened from.
    requestAnimationFrame(() => {
      if (back?.isConnected && (document.activeElement === document.body || !document.activeElement))
        back.focus();
    });
  };
  if (file.binary) return <p className="muted small">Binary file: not shown.</p>;
  return (
    <section ref={root} className="review-file" aria-label={`Diff of ${file.path}`}>
      <DiffView<LineComment[]>
        key={`${file.path} ${mode}`}
        data={data}
        diffViewMode={mode === 'split' ? DiffModeEnum.Split : DiffModeEnum.Unified}
        diffViewTheme={dark ? 'dark' : 'light'}
        diffViewHighlight
        diffViewWrap
        diffViewFontSize={12}
        diffViewAddWidget={false}
        onCreateUseWidgetHook={(hook) => {
          widgets.current = hook as unknown as WidgetStore;
        }}
        extendData={extend}
        renderWidgetLine={({ side, lineNumber, onClose: close }) => {
          const onClose = closed(close);
          return (
            <CommentForm
              where={`${file.path}:${lineNumber}${side === SplitSide.old ? ' (removed line)' : ''}`}
              onCancel={onClose}
              onSave={(body) => {
                onAdd?.({
                  path: file.path,
                  line: lineNumber,
                  side: side === SplitSide.old ? 'old' : 'new',
                  body,
                });
                onClose();
              }}
            />
          );
        }}
        renderExtendLine={({ data: list }) => (
          <ul className="line-comments">
            {list.map((c) => (
              <li key={`${c.side}:${c.line}:${c.body}`}>
                <span className="line-comment-body">{c.body}</span>
                <button
                  type="button"
                  className="link small"
                  onClick={() => onRemove(c)}
                  aria-label={`Remove comment on ${c.path} line ${c.line}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      />
    </section>
  );
}

function CommentForm({
  where,
  onSave,
  onCancel,
}: {
  where: string;
  onSave(body: string): void;
  onCancel(): void;
}) {
  const [body, setBody] = useState('');
  return (
    <div className="line-comment-form">
      <label className="small">
        Comment on {where}
        <textarea
          rows={2}
          value={body}
          // biome-ignore lint/a11y/noAutofocus: the person just asked to write here
          autoFocus
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={body.trim() === ''}
          onClick={() => onSave(body.trim())}
        >
          Add comment
        </button>
      </div>
    </div>
  );
}
