import { DiffModeEnum, DiffView } from '@git-diff-view/react';
import { useEffect, useMemo, useState } from 'react';
import type { WritePreview } from '../../../../../src-shared/schemas/approval.ts';
import { api } from '../../../api/client.ts';
import { langOf } from '../../../approvals/diff-review.ts';
import { useDark } from '../diff/DiffFileView.tsx';

/** How long the arguments rest before their preview is asked for again as a person types. */
const SETTLE_MS = 250;

type State =
  | { state: 'loading' }
  | { state: 'ready'; preview: WritePreview | null }
  | { state: 'error'; message: string };

/**
 * What a tool call that writes a file would change: the file as it is now against the file after
 * the call with these arguments (the agent's, or as a person edits them), drawn as the diff review
 * draws a diff (git-diff-view). Nothing for a tool that writes no file.
 */
export function WritePreviewView({
  approvalId,
  input,
}: {
  approvalId: string;
  /** The arguments to preview: null while they do not parse (the last preview stays). */
  input: Record<string, unknown> | null;
}) {
  const [value, setValue] = useState<State>({ state: 'loading' });
  const key = input === null ? null : JSON.stringify(input);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      api
        .previewToolCall(approvalId, JSON.parse(key) as Record<string, unknown>)
        .then((r) => live && setValue({ state: 'ready', preview: r.preview }))
        .catch((err: unknown) => {
          if (live) setValue({ state: 'error', message: err instanceof Error ? err.message : String(err) });
        });
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [approvalId, key]);
  if (value.state === 'loading') return <p className="muted small">Reading the file it would write…</p>;
  if (value.state === 'error')
    return <p className="field-error small">The preview could not be made: {value.message}</p>;
  const p = value.preview;
  if (p === null) return null;
  if (!p.ok) return <p className="field-error small">{p.error}</p>;
  return <WriteDiff preview={p} />;
}

function WriteDiff({ preview: p }: { preview: Extract<WritePreview, { ok: true }> }) {
  const dark = useDark();
  const data = useMemo(
    () => ({
      oldFile: { fileName: p.path, fileLang: langOf(p.path), content: p.before ?? '' },
      newFile: { fileName: p.path, fileLang: langOf(p.path), content: p.after },
      hunks: [p.diff],
    }),
    [p],
  );
  const changed = p.diff.includes('\n@@ ');
  return (
    <section className="diff-pane" aria-label={`Preview of the write to ${p.path}`}>
      <div className="diff-toolbar">
        <strong className="diff-path">{p.path}</strong>
        <span className="muted small">
          {p.before === null
            ? 'a new file'
            : changed
              ? 'the file now → after the call'
              : 'no change to the file'}
        </span>
      </div>
      {changed && (
        <div className="review-file">
          <DiffView
            key={p.diff}
            data={data}
            diffViewMode={DiffModeEnum.Unified}
            diffViewTheme={dark ? 'dark' : 'light'}
            diffViewHighlight
            diffViewWrap
            diffViewFontSize={12}
          />
        </div>
      )}
    </section>
  );
}
