import { useVirtualizer } from '@tanstack/react-virtual';
import type { KeyboardEvent } from 'react';
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { LineComment } from '../../../approvals/diff-review.ts';
import type { ReviewFile } from '../../../approvals/review-files.ts';
import { filterFiles } from '../../../approvals/review-files.ts';
import type { ViewedMarks } from '../../../approvals/viewed-files.ts';
import { countViewed, viewedState } from '../../../approvals/viewed-files.ts';
import { counted, plural } from '../../../format/plural.ts';

/** From how many changed files the list has a filter by path (fewer are read at a glance). */
const FILTER_FROM = 8;

const STATUS_MARK: Record<ReviewFile['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
};

/**
 * The changed files of a diff under review: a filter by path (past eight files), then the list, virtualised (a
 * change of 10,000 files draws the rows in view, not 10,000). Arrow keys move between files
 * (from the filter too), Home and End go to the first and last; the picked one is shown. How
 * many are marked viewed, and each file viewed or changed since it was.
 */
export function ChangedFiles({
  files,
  picked,
  onPick,
  comments,
  marks,
}: {
  files: readonly ReviewFile[];
  picked: ReviewFile | undefined;
  onPick(path: string): void;
  comments: readonly LineComment[];
  /** Absent: nothing is marked viewed here (a read-only view of accepted work). */
  marks?: ViewedMarks | undefined;
}) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const shown = useMemo(() => filterFiles(files, deferred), [files, deferred]);
  const counts = useMemo(() => {
    const by = new Map<string, number>();
    for (const c of comments) by.set(c.path, (by.get(c.path) ?? 0) + 1);
    return by;
  }, [comments]);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 29,
    overscan: 10,
    getItemKey: (i) => shown[i]!.path,
  });
  const filterId = useId();
  const viewedCount = useMemo(() => countViewed(marks ?? {}, files), [marks, files]);
  // Move the focus to the row at `i`, drawn first when it is out of view.
  const [focusAt, setFocusAt] = useState<number | null>(null);
  useEffect(() => {
    if (focusAt === null) return;
    rows.scrollToIndex(focusAt, { align: 'auto' });
    // The row is drawn once the list has followed the scroll: a few frames at most.
    let frame = 0;
    let tries = 0;
    const focus = () => {
      const row = scroller.current?.querySelector<HTMLButtonElement>(`li[data-index="${focusAt}"] button`);
      if (row) row.focus();
      if (row || ++tries > 30) return setFocusAt(null);
      frame = requestAnimationFrame(focus);
    };
    frame = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(frame);
  }, [focusAt, rows]);
  const pickedAt = picked ? shown.indexOf(picked) : -1;
  const move = (e: KeyboardEvent, from: number) => {
    const last = shown.length - 1;
    const to =
      e.key === 'ArrowDown'
        ? Math.min(from + 1, last)
        : e.key === 'ArrowUp'
          ? Math.max(from - 1, 0)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to === null || last < 0) return;
    e.preventDefault();
    setFocusAt(to);
  };
  // A few files are read at a glance: the filter and the bare count come with more.
  const filterable = files.length > FILTER_FROM;
  return (
    <div className="diff-files">
      {filterable && (
        <>
          <label className="diff-filter small" htmlFor={filterId}>
            Filter files
          </label>
          <input
            id={filterId}
            type="search"
            className="diff-filter-input"
            placeholder="Path contains…"
            value={query}
            spellCheck={false}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') move(e, pickedAt >= 0 ? pickedAt - 1 : -1);
              else if (e.key === 'Enter' && shown[0]) {
                e.preventDefault();
                onPick(shown[0].path);
              }
            }}
          />
        </>
      )}
      {(filterable || !marks) && (
        <output className="muted small diff-files-count" aria-live="polite">
          {deferred.trim() === ''
            ? counted(files.length, 'file')
            : `${shown.length.toLocaleString('en')} of ${counted(files.length, 'file')}`}
        </output>
      )}
      {marks && (
        <output className="muted small diff-files-viewed" aria-label="Files viewed">
          {viewedCount.toLocaleString('en')} of {counted(files.length, 'file')} viewed
        </output>
      )}
      <div ref={scroller} className="diff-files-scroller">
        <ul aria-label="Changed files" style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((v) => {
            const f = shown[v.index]!;
            const n = counts.get(f.path) ?? 0;
            const current = f === picked;
            const seen = viewedState(marks ?? {}, f);
            return (
              <li
                key={v.key}
                ref={rows.measureElement}
                data-index={v.index}
                aria-setsize={shown.length}
                aria-posinset={v.index + 1}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <button
                  type="button"
                  className={
                    [current ? 'active' : '', seen === 'viewed' ? 'viewed' : ''].join(' ').trim() || undefined
                  }
                  aria-current={current ? 'true' : undefined}
                  onClick={() => onPick(f.path)}
                  onKeyDown={(e) => move(e, v.index)}
                  title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
                >
                  <span className={`diff-mark mark-${f.status}`} title={f.status}>
                    {STATUS_MARK[f.status]}
                  </span>
                  <span className="diff-path">{f.path}</span>
                  <span className="diff-counts">
                    {f.additions === null || f.deletions === null ? (
                      <span className="muted">binary</span>
                    ) : (
                      <>
                        <span className="review-add">+{f.additions}</span>{' '}
                        <span className="review-del">−{f.deletions}</span>
                      </>
                    )}
                  </span>
                  {n > 0 && <span className="muted small file-comments">{plural(n, 'comment')}</span>}
                  {seen !== 'unviewed' && (
                    <span className={`small file-viewed ${seen}`}>
                      {seen === 'viewed' ? 'viewed' : 'changed since viewed'}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
        {shown.length === 0 && (
          <p className="muted small diff-files-none">No changed file's path has that.</p>
        )}
      </div>
    </div>
  );
}
