/**
 * A "Comment on line N of <path>" button on every line of a diff a reviewer may comment on, in
 * the line's number cell: a real button, reached with Tab, named for screen readers, shown on
 * the row's hover and on focus (git-diff-view's own "+" shows only on hover and has no name).
 *
 * git-diff-view draws the rows; the buttons are added to its number cells as it draws them
 * (a MutationObserver), and say which line and side they are about in data attributes.
 */

/** Which line a button comments on: the new file's line, or a removed line of the old file. */
export interface LineTarget {
  line: number;
  side: 'old' | 'new';
}

const BUTTON = 'line-comment-add';

/** The button's name: what a person hears and what the e2e tests ask for. */
export function lineButtonName(path: string, t: LineTarget): string {
  return `Comment on ${t.side === 'old' ? 'removed line' : 'line'} ${t.line} of ${path}`;
}

const num = (el: Element | null, attr: string): number | null => {
  const v = el?.getAttribute(attr);
  if (!v) return null;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
};

/** The number cells of a drawn diff that take a comment, with the line each is about. */
function targets(root: Element): { cell: HTMLElement; target: LineTarget }[] {
  const out: { cell: HTMLElement; target: LineTarget }[] = [];
  // Only a hunk's lines ("diff"), not the file's lines shown around them.
  for (const row of root.querySelectorAll<HTMLElement>('tr.diff-line[data-state="diff"]')) {
    // Unified: one number cell, the old number, the new one, or both (an unchanged line).
    const unified = row.querySelector<HTMLElement>('td.diff-line-num');
    if (unified) {
      const n = num(unified.querySelector('[data-line-new-num]'), 'data-line-new-num');
      const o = num(unified.querySelector('[data-line-old-num]'), 'data-line-old-num');
      if (n !== null) out.push({ cell: unified, target: { line: n, side: 'new' } });
      else if (o !== null) out.push({ cell: unified, target: { line: o, side: 'old' } });
      continue;
    }
    // Split: a cell per side. An unchanged line is shown on both: commented on its new side.
    const right = row.querySelector<HTMLElement>('td.diff-line-new-num');
    const n = num(right?.querySelector('[data-line-num]') ?? null, 'data-line-num');
    if (right && n !== null) out.push({ cell: right, target: { line: n, side: 'new' } });
    const left = row.querySelector<HTMLElement>('td.diff-line-old-num');
    const oldSpan = left?.querySelector<HTMLElement>('[data-line-num]') ?? null;
    const o = num(oldSpan, 'data-line-num');
    // git-diff-view dims the number of an unchanged line: a removed line is not dimmed.
    const unchanged = oldSpan?.style.opacity === '0.5';
    if (left && o !== null && !(unchanged && n !== null))
      out.push({ cell: left, target: { line: o, side: 'old' } });
  }
  return out;
}

/** Puts a button in each number cell that has none (or one for another line). */
export function addLineButtons(root: Element, path: string): void {
  for (const { cell, target } of targets(root)) {
    const name = lineButtonName(path, target);
    const have = cell.querySelector<HTMLButtonElement>(`:scope > button.${BUTTON}`);
    if (have?.getAttribute('aria-label') === name) continue;
    const b = have ?? cell.ownerDocument.createElement('button');
    b.type = 'button';
    b.className = BUTTON;
    b.textContent = '+';
    b.setAttribute('aria-label', name);
    b.title = name;
    b.dataset.line = String(target.line);
    b.dataset.side = target.side;
    if (!have) cell.prepend(b);
  }
}

/** The line a click on one of these buttons is about, or null for any other click. */
export function lineOfClick(e: Event): { target: LineTarget; button: HTMLButtonElement } | null {
  const el = e.target instanceof Element ? e.target.closest<HTMLButtonElement>(`button.${BUTTON}`) : null;
  if (!el) return null;
  const line = Number(el.dataset.line);
  const side = el.dataset.side === 'old' ? 'old' : 'new';
  return Number.isInteger(line) ? { target: { line, side }, button: el } : null;
}

/**
 * Keeps the buttons on the diff drawn in `root` as it is redrawn, and calls `onComment` when
 * one is pressed (a click, Enter or Space). Returns what stops it.
 */
export function watchLineButtons(
  root: Element,
  path: string,
  onComment: (t: LineTarget, button: HTMLButtonElement) => void,
): () => void {
  addLineButtons(root, path);
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      addLineButtons(root, path);
    });
  });
  observer.observe(root, { childList: true, subtree: true });
  const onClick = (e: Event) => {
    const hit = lineOfClick(e);
    if (!hit) return;
    e.preventDefault();
    e.stopPropagation();
    onComment(hit.target, hit.button);
  };
  root.addEventListener('click', onClick);
  return () => {
    observer.disconnect();
    root.removeEventListener('click', onClick);
  };
}
