import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const renderer = join(import.meta.dirname, '..', '..', 'out', 'renderer');

/** The scripts the page loads before anything is shown: index.html's module and its preloads. */
function firstScripts(): string[] {
  const html = readFileSync(join(renderer, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
}

/** The packages (node_modules/<name>) each script was built from, by its source map. */
function packagesOf(script: string): string[] {
  const map = join(renderer, `${script}.map`);
  if (!existsSync(map)) return [];
  const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
  return sources.flatMap((s) => {
    const at = s.lastIndexOf('node_modules/');
    if (at < 0) return [];
    const parts = s.slice(at + 'node_modules/'.length).split('/');
    return [parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!];
  });
}

describe('the code the UI loads before its first screen (after `npm run build`)', () => {
  it('holds none of the big parts only some screens use: the diff view and its highlighting, the graph, the terminal, zod', () => {
    const scripts = firstScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const packages = new Set(scripts.flatMap(packagesOf));
    // React is there (the maps are read).
    expect(packages).toContain('react-dom');
    const later = [
      'highlight.js',
      'lowlight',
      '@git-diff-view/react',
      '@git-diff-view/core',
      '@xyflow/react',
      '@dagrejs/dagre',
      '@xterm/xterm',
      // The schemas check forms and plans; the first screen reads only their plain parts
      // (src-shared/schemas/plain/), so zod is built when a form or a check needs it.
      'zod',
    ];
    expect(later.filter((p) => packages.has(p))).toEqual([]);
  });
});
