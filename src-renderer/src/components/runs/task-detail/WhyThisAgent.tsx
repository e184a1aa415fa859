import type { MatchExplanation } from '../../../../../src-shared/schemas/run.ts';
import { amount } from '../../../format/budget.ts';
import { withCountdown } from '../../../format/limits.ts';
import { useNowWhile } from '../../shared/use-now.ts';
import { rejectedLines } from '../rejected-lines.ts';
import { skillWins } from './skill-wins.ts';

/** Why this agent took the task: its score and each term, and why every other agent did not. */
export function WhyThisAgent({ match: m }: { match: MatchExplanation }) {
  // A limited agent's reset, counted down (matching says why it passed it).
  const now = useNowWhile(m.rejected.some((r) => r.reason.startsWith('limited until ')));
  return (
    <div className="why-this-agent">
      {m.score ? (
        <p className="small">
          {m.agent_id}: total {m.score.total} = (0.4 × skill fit {amount(m.score.skill_fit)} + 0.25 × free
          capacity {amount(m.score.free_capacity)} + 0.15 × cost {amount(m.score.cost)} + 0.2 × success rate{' '}
          {amount(m.score.success_rate)}) × speed {amount(m.score.speed ?? 1)}
          {expectedTime(m.score.expected_ms)} × skill wins {skillWins(m.score.skill_wins)}
        </p>
      ) : (
        <p className="small muted">
          {m.agent_id ? `${m.agent_id} took it (pulled).` : 'No agent was chosen.'}
        </p>
      )}
      {m.rejected.length > 0 && (
        <ul className="small rejected" aria-label="Rejected agents">
          {rejectedLines(m.rejected).map((r) => (
            <li key={r.agent_id}>
              <strong>{r.agent_id}</strong>: {withCountdown(r.reason, now)}
              {r.score && (
                <span className="muted">
                  {' '}
                  · score {r.score.total}: skill fit {amount(r.score.skill_fit)}, free capacity{' '}
                  {amount(r.score.free_capacity)}, cost {amount(r.score.cost)}, success rate{' '}
                  {amount(r.score.success_rate)}, speed {amount(r.score.speed ?? 1)}
                  {expectedTime(r.score.expected_ms)}, skill wins {skillWins(r.score.skill_wins)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The agent's expected time to finish, as the score breakdown says it (matching.ts); nothing while unknown. */
function expectedTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined
    ? ''
    : ` (expected ~${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`})`;
}
