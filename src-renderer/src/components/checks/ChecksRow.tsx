import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { formatDuration } from '../../format/duration.ts';
import { checkMark } from './latest-checks.ts';

/**
 * "test ✓ lint ✗": a task's checks at a glance (a list named "Checks"), each with how it ended
 * in words for a screen reader and in its title; `full` unfolds each red one's failing tests and
 * the end of its output (the diff review).
 */
export function ChecksRow({
  checks,
  rounds,
  full,
}: {
  checks: readonly CheckOutcome[];
  rounds: number;
  full?: boolean;
}) {
  if (checks.length === 0) return null;
  const red = checks.filter((c) => c.status !== 'passed' && c.status !== 'running');
  return (
    <div className={`checks-row${red.length > 0 ? ' checks-red' : ''}`}>
      <ul className="checks-marks" aria-label="Checks">
        {checks.map((c) => {
          const m = checkMark(c);
          return (
            <li
              key={c.name}
              className={`pill status-${m.tone}`}
              title={`${c.name} ${m.words}${c.duration_ms === null ? '' : ` in ${formatDuration(c.duration_ms)}`}`}
            >
              {c.name} <span aria-hidden="true">{m.mark}</span>
              <span className="visually-hidden"> {m.words}</span>
            </li>
          );
        })}
      </ul>
      {rounds > 0 && (
        <span className="muted small">after {rounds === 1 ? '1 fix round' : `${rounds} fix rounds`}</span>
      )}
      {full &&
        red.map((c) => (
          <details key={c.name} className="step-fold check-failure">
            <summary>
              {c.name}: {checkMark(c).words}
            </summary>
            {c.tests && c.tests.failing.length > 0 && (
              <ul className="small" aria-label={`Failing tests of ${c.name}`}>
                {c.tests.failing.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            )}
            <pre>{c.output_tail}</pre>
          </details>
        ))}
    </div>
  );
}
