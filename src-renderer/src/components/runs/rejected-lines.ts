/**
 * The rejected agents as lines: candidates each on their own (with their scores); agents that
 * share a reason (say, "not the pinned agent" for every other one) on one line when three or more.
 */
export function rejectedLines<R extends { agent_id: string; reason: string; score?: unknown }>(
  rejected: R[],
): R[] {
  const byReason = new Map<string, R[]>();
  for (const r of rejected) if (!r.score) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r]);
  const out: R[] = [];
  const done = new Set<string>();
  for (const r of rejected) {
    const same = r.score ? undefined : byReason.get(r.reason);
    if (!same || same.length < 3) {
      out.push(r);
    } else if (!done.has(r.reason)) {
      done.add(r.reason);
      out.push({ ...r, agent_id: `${same.length} agents (${same.map((x) => x.agent_id).join(', ')})` });
    }
  }
  return out;
}
