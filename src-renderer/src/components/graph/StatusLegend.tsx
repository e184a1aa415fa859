/** The run graph's colours in words; what waits for a person first, apart from other waiting. */
const KEYS = [
  { tone: 'you', words: 'Waits for a person', more: 'Awaiting approval, or ready for a person to take' },
  { tone: 'waiting', words: 'Blocked or ready', more: 'Waiting for other tasks or for an agent' },
  { tone: 'running', words: 'Running', more: undefined },
  { tone: 'done', words: 'Done', more: undefined },
  { tone: 'failed', words: 'Failed', more: 'Failed, or no agent can do it' },
] as const;

/** The legend's class: the plan is fitted below it (`roomAbove`). */
export const LEGEND_CLASS = 'status-legend';

/**
 * What the colours of a run's task cards mean, over the graph's top left corner. Outside React
 * Flow (not one of its panels): it is on screen, and measured, when the plan is first fitted.
 */
export function StatusLegend() {
  return (
    <div className={LEGEND_CLASS}>
      <ul aria-label="What the colours mean">
        {KEYS.map((k) => (
          <li key={k.tone} title={k.more}>
            <span className={`legend-swatch tone-${k.tone}`} aria-hidden="true" />
            {k.words}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * How far the legend reaches down over `box` (px from its top; 0 without one, or when it would
 * leave the plan no room): a fitted plan starts below it, not under it.
 */
export function roomAbove(box: HTMLElement | null, rect = box?.getBoundingClientRect()): number {
  const legend = box?.querySelector(`.${LEGEND_CLASS}`);
  if (!legend || !rect) return 0;
  const room = legend.getBoundingClientRect().bottom - rect.top;
  return room > 0 && room < rect.height / 2 ? room : 0;
}
