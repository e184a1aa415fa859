// The house measured from its imports: the figures docs/architecture.md gives under "The house,
// measured from the imports" (rooms, floors, arrows, arrows running back up, circles between rooms
// and among files, the largest source file, the files over 500 lines), read from the source tree
// as it stands. test/integration/architecture.test.ts holds the page to them; `node
// test/kit/house.ts [DIR]` prints them for a tree (DIR: a checkout, or an older commit's tree
// from `git archive`).
//
// Imports are read with TypeScript's own scanner (`typescript/unstable/ast/scanner`), in this
// process: a string, a comment, a template or a regular expression that holds the word `import`
// is never taken for one. TypeScript 7's compiler is the native program; its API (`typescript/
// unstable/sync`) parses the tree in that program, which takes several seconds to start and load
// a project, where the scanner reads the tree in a fraction of one. What is read is every static
// `import … from`, `import '…'`, `export … from`, and every `import('…')` (a dynamic import or an
// import type), type-only imports included: a type names the room it comes from as much as a
// value does. Only relative paths are followed; packages are no rooms.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { LanguageVariant, SyntaxKind } from 'typescript/unstable/ast';
import { createScanner } from 'typescript/unstable/ast/scanner';

/** Where the house's source files are: `src-main`'s folders are rooms, the other two one room each. */
export const SOURCE_ROOTS = ['src-main', 'src-shared', 'src-renderer'] as const;

/** A source file longer than this is a step back (the working rules' "no source file over ~500 lines"). */
export const LINE_LIMIT = 500;

/** One room importing another: `from` imports `to`. */
export interface Arrow {
  from: string;
  to: string;
}

export interface SourceFile {
  /** From the repository's root, with `/`. */
  path: string;
  room: string;
  lines: number;
  /** The source files it imports (relative paths resolved), each once. */
  imports: string[];
}

export interface House {
  files: SourceFile[];
  /** Sorted. */
  rooms: string[];
  /** Each pair of rooms once, sorted. */
  arrows: Arrow[];
  /** Each room's floor: 1 imports no room; otherwise one above the highest room it imports. */
  floors: Map<string, number>;
  /** The highest floor. */
  floorCount: number;
  /**
   * Arrows that close a loop of rooms: left out when floors are counted, so each runs from a lower
   * floor to a higher one. A depth-first walk over the rooms in name order picks them.
   */
  backUp: Arrow[];
  /** Rooms that import each other in a loop (each a strongly connected set of two rooms or more), sorted. */
  roomCircles: string[][];
  /** Files that import each other in a loop, sorted: inside one room or across rooms. */
  fileCircles: string[][];
  largest: { path: string; lines: number };
  /** Source files longer than LINE_LIMIT, longest first. */
  overLimit: { path: string; lines: number }[];
}

/** A test's, a fixture's or a test helper's file: no room of the house. */
export function isTestFile(path: string): boolean {
  return /\.(?:test|fixture)\.tsx?$/.test(path) || path.split('/').includes('testing');
}

const SOURCE = /\.(?:ts|tsx|mts)$/;

/** The house's source files under `root`, tests left out; sorted, with `/`. */
export function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const path = relative(root, full).split(sep).join('/');
        if (!isTestFile(path)) found.push(path);
      }
    }
  };
  for (const top of SOURCE_ROOTS) {
    try {
      walk(join(root, top));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return found.sort();
}

/** The room a source file stands in: `src-main/<folder>` (or a file loose in `src-main`), `src-shared`, `src-renderer`. */
export function roomOf(path: string): string {
  const [top, second, ...more] = path.split('/');
  if (top === 'src-main' && second !== undefined) return more.length > 0 ? `src-main/${second}` : path;
  return top ?? path;
}

/** Lines as `wc -l` counts them, plus a last line without its newline. */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

/**
 * Whether a `/` after `previous` opens a regular expression (then it is scanned as one, so that a
 * quote or a backtick in it opens nothing) rather than dividing: it divides after an operand (a
 * name, a literal, a closing bracket), and after a keyword but those an expression follows.
 */
function opensRegex(previous: SyntaxKind): boolean {
  if (previous >= SyntaxKind.Identifier) return BEFORE_EXPRESSION.has(previous);
  return !ENDS_OPERAND.has(previous);
}

const ENDS_OPERAND = new Set<SyntaxKind>([
  SyntaxKind.NumericLiteral,
  SyntaxKind.BigIntLiteral,
  SyntaxKind.StringLiteral,
  SyntaxKind.NoSubstitutionTemplateLiteral,
  SyntaxKind.TemplateTail,
  SyntaxKind.RegularExpressionLiteral,
  SyntaxKind.CloseParenToken,
  SyntaxKind.CloseBracketToken,
  SyntaxKind.CloseBraceToken,
  SyntaxKind.PlusPlusToken,
  SyntaxKind.MinusMinusToken,
  SyntaxKind.ExclamationToken, // a non-null assertion: x! / 2
]);

const BEFORE_EXPRESSION = new Set<SyntaxKind>([
  SyntaxKind.ReturnKeyword,
  SyntaxKind.TypeOfKeyword,
  SyntaxKind.CaseKeyword,
  SyntaxKind.DoKeyword,
  SyntaxKind.ElseKeyword,
  SyntaxKind.InKeyword,
  SyntaxKind.InstanceOfKeyword,
  SyntaxKind.NewKeyword,
  SyntaxKind.DeleteKeyword,
  SyntaxKind.VoidKeyword,
  SyntaxKind.ThrowKeyword,
  SyntaxKind.YieldKeyword,
  SyntaxKind.AwaitKeyword,
  SyntaxKind.OfKeyword,
]);

/** What may stand between `import`/`export` and `from`: names (keywords too: `type`, `as`, `default`), braces, commas, `*`. */
function inClause(token: SyntaxKind): boolean {
  return (
    token === SyntaxKind.Identifier ||
    token === SyntaxKind.OpenBraceToken ||
    token === SyntaxKind.CloseBraceToken ||
    token === SyntaxKind.CommaToken ||
    token === SyntaxKind.AsteriskToken ||
    token === SyntaxKind.StringLiteral || // export { 'a name' as b } from …
    (token >= SyntaxKind.FirstKeyword && token <= SyntaxKind.LastKeyword)
  );
}

const isLiteral = (t: SyntaxKind) =>
  t === SyntaxKind.StringLiteral || t === SyntaxKind.NoSubstitutionTemplateLiteral;

/**
 * The module specifiers a TypeScript source names, in order: `import … from 'x'`, `import 'x'`,
 * `export … from 'x'`, `import('x')` (a dynamic import, or an import type).
 */
export function importsOf(text: string, jsx = false): string[] {
  const scanner = createScanner(true, jsx ? LanguageVariant.JSX : LanguageVariant.Standard, text);
  const found: string[] = [];
  // What a `}` closes: a block or object, or a template's `${`.
  const braces: SyntaxKind[] = [];
  let previous = SyntaxKind.Unknown;
  /** After `import`/`export` and a clause: `from 'x'`. The scanner goes back where it was if not. */
  const clauseThenFrom = () =>
    scanner.tryScan(() => {
      let token = scanner.scan();
      let depth = 0;
      while (!(token === SyntaxKind.FromKeyword && depth === 0)) {
        if (!inClause(token) || (token === SyntaxKind.StringLiteral && depth === 0)) return false;
        if (token === SyntaxKind.OpenBraceToken) depth++;
        if (token === SyntaxKind.CloseBraceToken && --depth < 0) return false;
        token = scanner.scan();
      }
      if (scanner.scan() !== SyntaxKind.StringLiteral) return false;
      found.push(scanner.getTokenValue());
      return true;
    });
  // Past the last `import` and `from '` in the text no import starts: the rest is not scanned.
  let last = text.lastIndexOf('import');
  for (const m of text.matchAll(/\bfrom\s*['"]/g)) last = Math.max(last, m.index);
  let end = -1;
  for (let token = scanner.scan(); token !== SyntaxKind.EndOfFile; token = scanner.scan()) {
    if (scanner.getTokenStart() > last) break;
    // TypeScript 7.0's scanner does not move past a `#` that starts no name (JSX text's "#"): step over it.
    if (scanner.getTokenEnd() <= end) {
      scanner.resetTokenState(end + 1);
      continue;
    }
    switch (token) {
      case SyntaxKind.TemplateHead:
      case SyntaxKind.OpenBraceToken:
        braces.push(token);
        break;
      case SyntaxKind.CloseBraceToken:
        if (braces.at(-1) === SyntaxKind.TemplateHead) {
          token = scanner.reScanTemplateToken(false);
          if (token === SyntaxKind.TemplateTail) braces.pop();
        } else braces.pop();
        break;
      case SyntaxKind.SlashToken:
      case SyntaxKind.SlashEqualsToken:
        // In a .tsx file, `</` closes an element.
        if (opensRegex(previous) && !(jsx && previous === SyntaxKind.LessThanToken))
          token = scanner.reScanSlashToken();
        break;
      case SyntaxKind.ImportKeyword: {
        if (previous === SyntaxKind.DotToken) break; // a property named import
        const next = scanner.lookAhead(() => scanner.scan());
        if (next === SyntaxKind.OpenParenToken) {
          // import('x'): a dynamic import, or an import type.
          scanner.tryScan(() => {
            scanner.scan();
            if (!isLiteral(scanner.scan())) return false;
            found.push(scanner.getTokenValue());
            return true;
          });
        } else if (next === SyntaxKind.StringLiteral) {
          scanner.scan();
          found.push(scanner.getTokenValue());
        } else if (next !== SyntaxKind.DotToken) clauseThenFrom();
        break;
      }
      case SyntaxKind.ExportKeyword:
        if (previous !== SyntaxKind.DotToken) clauseThenFrom();
        break;
    }
    previous = scanner.getToken();
    end = scanner.getTokenEnd();
  }
  return found;
}

/** The source file a relative specifier names, if it is one of `files`. */
function resolveImport(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = resolve('/', from, '..', specifier).slice(1);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`])
    if (files.has(candidate)) return candidate;
  return undefined;
}

/** Strongly connected sets of two nodes or more (Tarjan's algorithm, iterative), each sorted, sorted by their first. */
export function circles(nodes: readonly string[], next: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; edges: readonly string[]; i: number }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: next(node), i: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      if (frame.i < frame.edges.length) {
        const to = frame.edges[frame.i++]!;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const set: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          set.push(member);
        } while (member !== frame.node);
        if (set.length > 1) found.push(set.sort());
      }
    }
  }
  return found.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Floors and the arrows that run back up: a depth-first walk over the rooms in name order leaves
 * out each arrow to a room still on its path (it closes a loop); a room then stands one floor
 * above the highest room it imports by the arrows left.
 */
function floorsOf(
  rooms: readonly string[],
  out: Map<string, string[]>,
): { floors: Map<string, number>; backUp: Arrow[] } {
  const floors = new Map<string, number>();
  const backUp: Arrow[] = [];
  const onPath = new Set<string>();
  const visit = (room: string): number => {
    const known = floors.get(room);
    if (known !== undefined) return known;
    onPath.add(room);
    let floor = 1;
    for (const to of out.get(room) ?? []) {
      if (onPath.has(to)) backUp.push({ from: room, to });
      else floor = Math.max(floor, visit(to) + 1);
    }
    onPath.delete(room);
    floors.set(room, floor);
    return floor;
  };
  for (const room of rooms) visit(room);
  return { floors, backUp };
}

/** Measures the house whose repository root is `root`. */
export function measureHouse(root: string): House {
  const paths = sourceFiles(root);
  const known = new Set(paths);
  const files: SourceFile[] = paths.map((path) => {
    const text = readFileSync(join(root, path), 'utf8');
    const imports = new Set<string>();
    for (const specifier of importsOf(text, path.endsWith('.tsx'))) {
      const to = resolveImport(path, specifier, known);
      if (to !== undefined && to !== path) imports.add(to);
    }
    return { path, room: roomOf(path), lines: lineCount(text), imports: [...imports].sort() };
  });
  const byPath = new Map(files.map((f) => [f.path, f]));
  const rooms = [...new Set(files.map((f) => f.room))].sort();
  const out = new Map<string, string[]>(rooms.map((r) => [r, []]));
  for (const f of files)
    for (const to of f.imports) {
      const toRoom = byPath.get(to)!.room;
      const list = out.get(f.room)!;
      if (toRoom !== f.room && !list.includes(toRoom)) list.push(toRoom);
    }
  for (const list of out.values()) list.sort();
  const arrows = rooms.flatMap((from) => out.get(from)!.map((to) => ({ from, to })));
  const { floors, backUp } = floorsOf(rooms, out);
  const bySize = [...files].sort((a, b) => b.lines - a.lines || (a.path < b.path ? -1 : 1));
  return {
    files,
    rooms,
    arrows,
    floors,
    floorCount: Math.max(0, ...floors.values()),
    backUp,
    roomCircles: circles(rooms, (r) => out.get(r)!),
    fileCircles: circles(paths, (p) => byPath.get(p)!.imports),
    largest: bySize[0] ? { path: bySize[0].path, lines: bySize[0].lines } : { path: '', lines: 0 },
    overLimit: bySize.filter((f) => f.lines > LINE_LIMIT).map((f) => ({ path: f.path, lines: f.lines })),
  };
}

/** The house in words: its figures, the rooms by floor, the circles, the files over the limit. */
export function describeHouse(house: House): string {
  const byFloor = new Map<number, string[]>();
  for (const [room, floor] of house.floors) byFloor.set(floor, [...(byFloor.get(floor) ?? []), room]);
  const lines = [
    `rooms ${house.rooms.length}, floors ${house.floorCount}, arrows ${house.arrows.length}, arrows running back up ${house.backUp.length}`,
    `circles between rooms ${house.roomCircles.length}, circles among files ${house.fileCircles.length}`,
    `largest source file ${house.largest.path} (${house.largest.lines} lines), source files over ${LINE_LIMIT} lines ${house.overLimit.length}`,
    ...[...byFloor.keys()]
      .sort((a, b) => b - a)
      .map((floor) => `floor ${floor}: ${byFloor.get(floor)!.sort().join(', ')}`),
    ...house.backUp.map((a) => `back up: ${a.from} -> ${a.to}`),
    ...house.roomCircles.map((c) => `circle between rooms: ${c.join(', ')}`),
    ...house.fileCircles.map((c) => `circle among files: ${c.join(', ')}`),
    ...house.overLimit.map((f) => `over ${LINE_LIMIT} lines: ${f.path} (${f.lines})`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const started = performance.now();
  const house = measureHouse(resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..')));
  process.stdout.write(
    `${describeHouse(house)}\n(${house.files.length} files in ${Math.round(performance.now() - started)} ms)\n`,
  );
}
