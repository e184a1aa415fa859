import { useEffect, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { LeaderboardRow } from '../../../../src-shared/schemas/skill-record.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { checksText, fixRoundsText, leaderboardSkills, winsText } from './leaderboard.ts';

/**
 * Who does best at a skill: a person picks one of the registered agents' skills and sees every
 * agent that worked on tasks needing it, ranked by the best-of runs it won, then by how often its
 * checks passed (`agents.leaderboard`), over the screen's stats range.
 */
export function SkillLeaderboard({ agents, start }: { agents: readonly Agent[]; start: string | undefined }) {
  const fail = useBaton((s) => s.fail);
  const skills = leaderboardSkills(agents);
  const [picked, setPicked] = useState<string | null>(null);
  const skill = picked !== null && skills.includes(picked) ? picked : (skills[0] ?? null);
  const [rows, setRows] = useState<{ skill: string; list: LeaderboardRow[] } | null>(null);

  useEffect(() => {
    if (skill === null) return;
    let current = true;
    api.leaderboard(skill, start).then(
      (list) => {
        if (current) setRows({ skill, list });
      },
      (err) => fail(`Could not load the leaderboard for ${skill}`, err),
    );
    return () => {
      current = false;
    };
  }, [skill, start, fail]);

  const shown = rows && rows.skill === skill ? rows.list : null;
  return (
    <section className="skill-board" aria-label="Leaderboard by skill">
      <div className="section-head">
        <h2>Who does best at a skill</h2>
        {skill !== null && (
          <label className="small">
            Skill{' '}
            <select aria-label="Leaderboard skill" value={skill} onChange={(e) => setPicked(e.target.value)}>
              {skills.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {skill === null ? (
        <p className="muted small">No agent has a skill yet: add skills to agents to compare them on each.</p>
      ) : (
        <>
          <p className="muted small">
            Ranked by best-of candidacies won, then by attempts whose checks passed (both smoothed, so one
            lucky attempt does not top a long record). Matching prefers the winners a little: “skill wins” in
            why this agent.
          </p>
          {shown === null ? (
            <p className="muted small">Counting…</p>
          ) : shown.length === 0 ? (
            <div className="skill-board-empty" role="status">
              <p>
                No attempts at tasks needing <strong>{skill}</strong> yet.
              </p>
              <p className="muted small">
                Each attempt an agent makes at such a task fills this board: whether its checks passed and how
                many fix rounds it took; a task with <code>attempts</code> of 2 or more also says which
                candidate won.
              </p>
            </div>
          ) : (
            <table className="tasks skill-board-table" aria-label={`Leaderboard for ${skill}`}>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Best-of wins</th>
                  <th scope="col">Checks passed</th>
                  <th scope="col">Fix rounds</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.agent_id}>
                    <td className="num">{r.rank}</td>
                    <th scope="row">{r.agent_id}</th>
                    <td className="num">{winsText(r)}</td>
                    <td className="num">{checksText(r)}</td>
                    <td className="num">{fixRoundsText(r)}</td>
                    <td className="num">{r.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
