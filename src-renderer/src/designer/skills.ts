/** Every skill a registered agent has, sorted: what the designer suggests as a skill is typed. */
export function knownSkills(agents: readonly { skills: readonly string[] }[]): string[] {
  return [...new Set(agents.flatMap((a) => a.skills))].sort();
}

/**
 * What to say about a required skill that no registered agent has: that, and the known skill
 * closest to it when one is near (a typo, another case), else null for a skill some agent has.
 */
export function skillWarning(skill: string, known: readonly string[]): string | null {
  if (known.includes(skill)) return null;
  const near = closest(skill, known);
  return `No registered agent has “${skill}”${near ? `; did you mean “${near}”?` : '.'}`;
}

/** The known skill nearest to `skill` (by edits, any case), when it is at most a third of it away. */
function closest(skill: string, known: readonly string[]): string | null {
  const s = skill.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(s.length / 3)) + 1;
  for (const k of known) {
    const d = distance(s, k.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once it must be at least `cap`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      least = Math.min(least, v);
    }
    if (least >= cap) return cap;
    prev = row;
  }
  return prev[b.length]!;
}
