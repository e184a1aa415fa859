import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { circles, importsOf, isTestFile, lineCount, measureHouse, roomOf } from './house.ts';

describe('importsOf', () => {
  it('reads static, side-effect, type-only, re-exported and dynamic imports, and import types', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "import c, { d as e } from './c.ts';",
      "import * as f from './f.ts';",
      "import './side.ts';",
      "export { g } from './g.ts';",
      "export type { H } from './h.ts';",
      "export * from './star.ts';",
      "export * as ns from './ns.ts';",
      'const lazy = () => import("./lazy.ts");',
      "type T = typeof import('./typed.ts');",
      'const plain = await import(`./template.ts`);',
      "import {\n  x,\n  y,\n} from 'pkg';",
      "import { from, default as d2 } from './keywords.ts';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      './a.ts',
      '../b.ts',
      './c.ts',
      './f.ts',
      './side.ts',
      './g.ts',
      './h.ts',
      './star.ts',
      './ns.ts',
      './lazy.ts',
      './typed.ts',
      './template.ts',
      'pkg',
      './keywords.ts',
    ]);
  });

  it('takes no import out of a string, a comment, a template or a regular expression', () => {
    const text = [
      'const s = "import x from \'./no-string.ts\'";',
      "// import y from './no-line-comment.ts';",
      "/* export * from './no-block-comment.ts'; */",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text read holds a template
      "const t = `import z from './no-template.ts' ${1 + 2} import('./no-template-2.ts')`;",
      "const r = /import w from '.\\/no-regex.ts'`/;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text read holds a template
      "const d = 4 / 2; const q = `${d}`; import('./after.ts');",
      "const half = (n: number) => n / 2 / 1; export { half as h } from './re-export.ts';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./after.ts', './re-export.ts']);
  });

  it('reads on past what is no import: import.meta, exports of its own, a property named import', () => {
    const text = [
      'const here = import.meta.dirname;',
      'export const n = 1;',
      'export { n as m };',
      "import { k } from './k.ts';",
      'loader.import(1);',
      "export default function f() { return import('./in-function.ts'); }",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./k.ts', './in-function.ts']);
  });

  it("reads a .tsx file's imports past JSX text: a lone #, an apostrophe, a closing tag", () => {
    const text = [
      "import { A } from './a.tsx';",
      'const el = <table><th scope="col">#</th><p>Don\'t</p></table>;',
      "const Lazy = lazy(() => import('./lazy.tsx'));",
    ].join('\n');
    expect(importsOf(text, true)).toEqual(['./a.tsx', './lazy.tsx']);
  });
});

describe('the house', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });
  const write = (files: Record<string, string>) => {
    root = mkdtempSync(join(tmpdir(), 'baton-house-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };

  it('names rooms by the folders of src-main, and src-shared and src-renderer whole', () => {
    expect(roomOf('src-main/engine/approvals/kinds.ts')).toBe('src-main/engine');
    expect(roomOf('src-main/loose.ts')).toBe('src-main/loose.ts');
    expect(roomOf('src-shared/schemas/plan.ts')).toBe('src-shared');
    expect(roomOf('src-renderer/src/main.tsx')).toBe('src-renderer');
    expect(isTestFile('src-main/engine/engine.test.ts')).toBe(true);
    expect(isTestFile('src-renderer/src/store/local-storage.fixture.ts')).toBe(true);
    expect(isTestFile('src-main/agents/testing/chat-server.ts')).toBe(true);
    expect(isTestFile('src-main/engine/engine.ts')).toBe(false);
  });

  it('counts lines as wc -l does, and a last line without its newline', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
  });

  it('finds loops of two or more, not a node alone', () => {
    const edges: Record<string, string[]> = { a: ['b'], b: ['c', 'a'], c: ['c'], d: ['e'], e: ['d'] };
    expect(circles(Object.keys(edges), (n) => edges[n] ?? [])).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
  });

  it('measures rooms, arrows, floors, an arrow back up, circles and long files; tests are no rooms', () => {
    const dir = write({
      'src-shared/schema.ts': 'export const s = 1;\n',
      'src-main/store/db.ts':
        "import { s } from '../../src-shared/schema.ts';\nimport type { E } from '../engine/engine.ts';\n",
      'src-main/engine/engine.ts': "import '../store/db.ts';\nexport type E = 1;\n",
      'src-main/engine/engine.test.ts': "import '../cli/cli.ts';\n",
      'src-main/cli/cli.ts': `import '../engine/engine.ts';\n${'// a line\n'.repeat(501)}`,
      'src-renderer/src/a.ts':
        "import type { B } from './b.ts';\nimport '../../src-shared/schema.ts';\nexport type A = 1;\n",
      'src-renderer/src/b.ts': "import type { A } from './a.ts';\nexport type B = 1;\n",
    });
    const house = measureHouse(dir);
    expect(house.rooms).toEqual([
      'src-main/cli',
      'src-main/engine',
      'src-main/store',
      'src-renderer',
      'src-shared',
    ]);
    expect(house.arrows.map((a) => `${a.from} -> ${a.to}`)).toEqual([
      'src-main/cli -> src-main/engine',
      'src-main/engine -> src-main/store',
      'src-main/store -> src-main/engine',
      'src-main/store -> src-shared',
      'src-renderer -> src-shared',
    ]);
    // The walk in name order meets engine first: store's arrow back to it closes the loop.
    expect(house.backUp).toEqual([{ from: 'src-main/store', to: 'src-main/engine' }]);
    expect(Object.fromEntries(house.floors)).toEqual({
      'src-main/cli': 4,
      'src-main/engine': 3,
      'src-main/store': 2,
      'src-renderer': 2,
      'src-shared': 1,
    });
    expect(house.floorCount).toBe(4);
    expect(house.roomCircles).toEqual([['src-main/engine', 'src-main/store']]);
    expect(house.fileCircles).toEqual([
      ['src-main/engine/engine.ts', 'src-main/store/db.ts'],
      ['src-renderer/src/a.ts', 'src-renderer/src/b.ts'],
    ]);
    expect(house.overLimit).toEqual([{ path: 'src-main/cli/cli.ts', lines: 502 }]);
    expect(house.largest).toEqual({ path: 'src-main/cli/cli.ts', lines: 502 });
  });
});
