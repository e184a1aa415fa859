import type { SandboxBlock } from '../../../src-shared/schemas/plain/step.ts';
import { SANDBOX_BLOCKS } from '../../../src-shared/schemas/plain/step.ts';
import type { Step } from '../../../src-shared/schemas/step.ts';
import { plural } from '../format/plural.ts';
import { isCacheWrite } from './cache-writes.ts';

/** How many targets a line names before it says how many more. */
const NAMED = 3;

const NOUN: Record<SandboxBlock, string> = {
  network: 'connection',
  write: 'write',
  read: 'read',
  run: 'command',
};

/**
 * What the OS sandbox refused an attempt's processes, one line per kind, from its `sandbox`
 * steps: "2 connections blocked: example.com:443, 127.0.0.1:8080", "1 write blocked: /etc/x".
 * Each target is named once (the first three, then how many more). Empty when nothing was.
 * Writes to a package manager's cache (`~/.npm`…) are not findings of the work: left out here,
 * said apart (`cacheWrites`).
 */
export function blockedLines(steps: readonly Step[]): string[] {
  const by = new Map<SandboxBlock, { count: number; targets: string[] }>();
  for (const s of steps) {
    if (s.kind !== 'sandbox' || isCacheWrite(s)) continue;
    const entry = by.get(s.blocked) ?? { count: 0, targets: [] };
    entry.count++;
    if (!entry.targets.includes(s.target)) entry.targets.push(s.target);
    by.set(s.blocked, entry);
  }
  return SANDBOX_BLOCKS.flatMap((kind) => {
    const entry = by.get(kind);
    if (!entry) return [];
    const named = entry.targets.slice(0, NAMED).join(', ');
    const more = entry.targets.length > NAMED ? ` and ${entry.targets.length - NAMED} more` : '';
    return [`${plural(entry.count, NOUN[kind])} blocked: ${named}${more}`];
  });
}

/**
 * A best-of attempt's blocks, candidate by candidate (its candidates run side by side: their
 * refusals are not one count): the candidate under review's lines, and for each other candidate
 * one line of how many it was refused ("#1: 3 writes blocked"; "#3: nothing blocked").
 */
export function blockedByCandidate(
  steps: readonly Step[],
  candidates: readonly number[],
  underReview: number,
): { underReview: string[]; others: string[] } {
  const of = (n: number) => steps.filter((s) => s.kind === 'sandbox' && s.candidate === n);
  const others = candidates
    .filter((n) => n !== underReview)
    .map((n) => {
      const lines = blockedLines(of(n)).map((l) => l.split(':')[0]);
      return `#${n}: ${lines.length > 0 ? lines.join(', ') : 'nothing blocked'}`;
    });
  return { underReview: blockedLines(of(underReview)), others };
}

/** The step totals' word for what was blocked: all of it, or per candidate ("5 blocked: #1 3, #2 2"). */
export function blockedTotal(total: number, byCandidate: ReadonlyMap<number, number>): string {
  if (byCandidate.size === 0) return `${total} blocked`;
  const each = [...byCandidate].sort(([a], [b]) => a - b).map(([n, c]) => `#${n} ${c}`);
  return `${total} blocked: ${each.join(', ')}`;
}
