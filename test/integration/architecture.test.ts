// docs/architecture.md's "The house, measured from the imports" stays true: the last column of
// its table and its floors are what test/kit/house.ts measures in the source tree now, and every
// room is a row of the page's folder table. A change that moves a figure fails here, naming the
// figure, what the page says and what the tree has; the page is then brought up to date (with
// `node test/kit/house.ts` for the whole picture).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { House } from '../kit/house.ts';
import { describeHouse, LINE_LIMIT, measureHouse } from '../kit/house.ts';

const root = join(import.meta.dirname, '..', '..');
const PAGE = 'docs/architecture.md';
const SECTION = '## The house, measured from the imports';

/** The section's text, up to the next heading of its level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${PAGE} has no section "${heading}"`);
  const end = markdown.indexOf('\n## ', start + heading.length + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Each row's label and its last cell, from the section's table. */
function lastColumn(text: string): Map<string, string> {
  const rows = text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, l.endsWith('|') ? -1 : undefined)
        .split('|')
        .map((c) => c.trim()),
    );
  const [, rule, ...body] = rows;
  if (!rule?.every((c) => /^:?-+:?$/.test(c))) throw new Error(`${PAGE}: "${SECTION}" has no table`);
  return new Map(body.map((cells) => [cells[0]!, cells.at(-1)!]));
}

/** A room as the page writes it: a folder with its slash. */
const asWritten = (room: string) => `\`${room.endsWith('.ts') ? room : `${room}/`}\``;

/** What the page's floors list says: `floor N: rooms` as written. */
function floorsWritten(text: string): Map<number, string> {
  const floors = new Map<number, string>();
  for (const m of text.matchAll(/^- floor (\d+): (.+)$/gm)) floors.set(Number(m[1]), m[2]!.trim());
  return floors;
}

function floorsMeasured(house: House): Map<number, string> {
  const byFloor = new Map<number, string[]>();
  for (const [room, floor] of house.floors) byFloor.set(floor, [...(byFloor.get(floor) ?? []), room]);
  return new Map([...byFloor].map(([floor, rooms]) => [floor, rooms.sort().map(asWritten).join(', ')]));
}

describe(`${PAGE}, the house measured`, () => {
  const page = readFileSync(join(root, PAGE), 'utf8');
  const text = section(page, SECTION);
  const house = measureHouse(root);

  it('says the figures the tree has now', () => {
    const written = lastColumn(text);
    const measured: [string, string][] = [
      ['rooms', String(house.rooms.length)],
      ['floors', String(house.floorCount)],
      ['arrows', String(house.arrows.length)],
      ['arrows running back up', String(house.backUp.length)],
      ['circles between rooms', String(house.roomCircles.length)],
      ['circles among files', String(house.fileCircles.length)],
      ['largest source file', `\`${house.largest.path}\``],
      [`source files over ${LINE_LIMIT} lines`, String(house.overLimit.length)],
    ];
    const drifted = measured.flatMap(([figure, now]) => {
      const says = written.get(figure);
      if (says === undefined) return [`"${figure}": no row for it`];
      return says === now ? [] : [`"${figure}": the page says ${says}, the tree has ${now}`];
    });
    expect(
      drifted,
      `${PAGE}'s table (its last column) has drifted: ${drifted.join('; ')}. The tree now:\n${describeHouse(house)}\n`,
    ).toEqual([]);
  });

  it('lists the floors the rooms stand on now', () => {
    const written = floorsWritten(text);
    const measured = floorsMeasured(house);
    const drifted = [...new Set([...written.keys(), ...measured.keys()])]
      .sort((a, b) => b - a)
      .flatMap((floor) =>
        written.get(floor) === measured.get(floor)
          ? []
          : [
              `floor ${floor}: the page says ${written.get(floor) ?? 'nothing'}, the tree has ${measured.get(floor) ?? 'nothing'}`,
            ],
      );
    expect(
      drifted,
      `${PAGE}'s floors have drifted: ${drifted.join('; ')}. The tree now:\n${describeHouse(house)}\n`,
    ).toEqual([]);
  });

  it('names every room of src-main in the folder table', () => {
    const table = section(page, '## Folders');
    const missing = house.rooms
      .filter((room) => room.startsWith('src-main/'))
      .filter((room) => !table.includes(`| ${asWritten(room)}`));
    expect(missing, `rooms without a row in ${PAGE}'s folder table`).toEqual([]);
  });
});
