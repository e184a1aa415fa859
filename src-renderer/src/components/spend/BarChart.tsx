import { useId } from 'react';

/** One bar: its segments' values (in the series' order, stacked), and how it reads out. */
export interface Bar {
  key: string;
  /** Under a column, or before a row. */
  label: string;
  values: number[];
  /** What the bar says: "2026-03-12: $3.40 + unknown". */
  text: string;
  /** Part of what it stands for is not known (calls of unknown cost): marked on the bar. */
  unknown?: boolean;
  /** Beside a row, when shorter than what it says ("4.1M tokens"); else what `text` says after its colon. */
  short?: string;
}

export interface Series {
  label: string;
  className: string;
}

/**
 * A bar chart in HTML: columns (days, in order) or rows (plans, agents, models… the most first),
 * stacked when it has several series. Each bar is a list item that reads out what it stands for
 * (a screen reader and a test find it by that); the table below the charts has every figure.
 * Plain elements rather than a chart library: a few dozen bars in boxes sized by CSS need no
 * canvas (invisible to assistive technology), no SVG text measuring, and no dependency.
 */
export function BarChart({
  title,
  bars,
  series,
  layout,
  scaleText,
  note,
}: {
  title: string;
  bars: readonly Bar[];
  series: readonly Series[];
  layout: 'columns' | 'rows';
  /** The scale's top, in words ("$3.40", "1.2M tokens"). */
  scaleText(max: number): string;
  /** Said under the chart (rows left out, what the hatched part means). */
  note?: string | undefined;
}) {
  const id = useId();
  const max = Math.max(0, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const pct = (v: number) => (max > 0 ? `${(v / max) * 100}%` : '0%');
  const ticks = layout === 'columns' ? columnTicks(bars) : [];
  return (
    <figure className={`chart is-${layout}`} aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {series.length > 1 && (
        <ul className="chart-legend" aria-label={`${title}: legend`}>
          {series.map((s) => (
            <li key={s.className}>
              <span className={`swatch ${s.className}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      {layout === 'columns' ? (
        <div className="chart-plot">
          <div className="chart-scale" aria-hidden="true">
            <span>{scaleText(max)}</span>
            <span>0</span>
          </div>
          <ol className="chart-bars" aria-label={title}>
            {bars.map((b) => (
              <li
                key={b.key}
                className={`chart-bar${b.unknown ? ' has-unknown' : ''}`}
                aria-label={b.text}
                title={b.text}
              >
                <span className="chart-stack">
                  {b.values.map((v, i) => (
                    <span
                      key={series[i]!.className}
                      className={`seg ${series[i]!.className}`}
                      style={{ height: pct(v) }}
                    />
                  ))}
                </span>
              </li>
            ))}
          </ol>
          <div className="chart-ticks" aria-hidden="true">
            {ticks.map((t) => (
              <span key={t.key} style={{ left: t.left }}>
                {t.label}
              </span>
            ))}
          </div>
        </div>
      ) : (
        <ol className="chart-rows" aria-label={title}>
          {bars.map((b) => (
            <li
              key={b.key}
              aria-label={b.text}
              title={b.text}
              className={b.unknown ? 'has-unknown' : undefined}
            >
              <span className="row-label">{b.label}</span>
              <span className="row-track">
                {b.values.map((v, i) => (
                  <span
                    key={series[i]!.className}
                    className={`seg ${series[i]!.className}`}
                    style={{ width: pct(v) }}
                  />
                ))}
              </span>
              <span className="row-value">{b.short ?? b.text.slice(b.text.indexOf(': ') + 2)}</span>
            </li>
          ))}
        </ol>
      )}
      {note && <p className="muted small chart-note">{note}</p>}
    </figure>
  );
}

/** A few labels under the columns: the first, the last, and some between, never crowded. */
function columnTicks(bars: readonly Bar[]): { key: string; label: string; left: string }[] {
  const n = bars.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / 6));
  const at: number[] = [];
  for (let i = 0; i < n; i += step) at.push(i);
  if (at.at(-1) !== n - 1 && n - 1 - at.at(-1)! >= step / 2) at.push(n - 1);
  return at.map((i) => ({ key: bars[i]!.key, label: bars[i]!.label, left: `${((i + 0.5) / n) * 100}%` }));
}
