import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { landingWords } from './landing-words.ts';

/**
 * One landing in a line: its state as a pill, its pull request as a link (opened in the browser),
 * or the branch it pushed; while its agent fixes what the pull request asked, a link to that fix
 * run; why it failed, closed or is gone under it.
 */
export function LandingLine({ l, named, compact }: { l: Landing; named?: string; compact?: boolean }) {
  const w = landingWords(l);
  return (
    <div
      className={compact ? 'landing-line compact' : 'landing-line'}
      role="note"
      aria-label={`Landing of ${named ?? l.task_id ?? 'the run'}`}
      title={compact ? (l.message ?? undefined) : undefined}
    >
      <span className={`pill landing-${l.state}`}>{w.state}</span>{' '}
      {l.pr_url ? (
        <a href={l.pr_url} target="_blank" rel="noreferrer">
          {w.link}
        </a>
      ) : (
        <code>{l.branch}</code>
      )}
      {w.detail && !compact && <span className="muted small"> · {w.detail}</span>}
      {l.fix?.run_id && (
        <>
          {' · '}
          <RouteLink
            to={{ screen: 'run', runId: l.fix.run_id, taskId: l.task_id }}
            className="link small"
            aria-label={`Open fix run ${l.fix.run_id}`}
          >
            fix run
          </RouteLink>
        </>
      )}
      {w.why &&
        (compact ? (
          <span className="visually-hidden"> {w.why}</span>
        ) : (
          <p className="small landing-why">{w.why}</p>
        ))}
    </div>
  );
}
