import type { SandboxBlock, Step } from '../../../src-shared/schemas/step.ts';
import { SANDBOX_BLOCKS } from '../../../src-shared/schemas/step.ts';
import { plural } from '../format/plural.ts';

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
 */
export function blockedLines(steps: readonly Step[]): string[] {
  const by = new Map<SandboxBlock, { count: number; targets: string[] }>();
  for (const s of steps) {
    if (s.kind !== 'sandbox') continue;
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
