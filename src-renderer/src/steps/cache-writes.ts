import type { Step } from '../../../src-shared/schemas/step.ts';

/** A package manager's cache the sandbox kept a process from writing: noise, not a finding of the work. */
export interface CacheWrite {
  /** The package manager, as people name it ("npm", "pip"). */
  tool: string;
  /** The cache's folder: what a person may let the sandbox write. */
  folder: string;
  /** Whose sandbox refused it: the workspace's (its setup and checks) or the agent's. */
  owner: 'workspace' | 'agent';
}

/** Folders package managers keep their caches in, and whose they are; the folder is the path up to and with the match. */
const CACHES: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [/^(.*\/\.npm)(\/|$)/, 'npm'],
  [/^(.*\/\.yarn\/berry\/cache)(\/|$)/, 'yarn'],
  [/^(.*\/\.pnpm-store)(\/|$)/, 'pnpm'],
  [/^(.*\/\.local\/share\/pnpm)(\/|$)/, 'pnpm'],
  [/^(.*\/\.bun\/install\/cache)(\/|$)/, 'bun'],
  [/^(.*\/\.cargo\/(?:registry|git))(\/|$)/, 'cargo'],
  [/^(.*\/go\/pkg\/mod)(\/|$)/, 'go'],
  [/^(.*\/\.gradle)(\/|$)/, 'gradle'],
  [/^(.*\/\.m2\/repository)(\/|$)/, 'maven'],
  // ~/.cache/<tool>: pip, yarn (v1), node-gyp, go-build, ms-playwright…
  [/^(.*\/\.cache\/([^/]+))(\/|$)/, (m) => m[2]!],
];

/** The package manager cache a blocked write went to, or null when it went elsewhere. */
export function cacheOf(target: string): Pick<CacheWrite, 'tool' | 'folder'> | null {
  for (const [re, tool] of CACHES) {
    const m = re.exec(target);
    if (m) return { tool: typeof tool === 'string' ? tool : tool(m), folder: m[1]! };
  }
  return null;
}

/** A blocked write to a package manager's cache: left out of what the sandbox found. */
export const isCacheWrite = (s: Step): boolean =>
  s.kind === 'sandbox' && s.blocked === 'write' && cacheOf(s.target) !== null;

/** Each cache the sandbox kept an attempt's processes from writing, once, with whose sandbox it was. */
export function cacheWrites(steps: readonly Step[]): CacheWrite[] {
  const seen = new Map<string, CacheWrite>();
  for (const s of steps) {
    if (s.kind !== 'sandbox' || s.blocked !== 'write') continue;
    const cache = cacheOf(s.target);
    if (!cache) continue;
    const owner = s.process === 'setup' || s.process.startsWith('check ') ? 'workspace' : 'agent';
    seen.set(`${owner} ${cache.folder}`, { ...cache, owner });
  }
  return [...seen.values()];
}
