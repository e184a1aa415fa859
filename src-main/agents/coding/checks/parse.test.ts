import { describe, expect, it } from 'vitest';
import { parseJunit } from './junit.ts';
import { createTail } from './tail.ts';
import { createTapCounter, parseTap } from './tap.ts';

describe('TAP', () => {
  it('counts node --test output by its own totals, naming the failing tests at every level', () => {
    const tap = [
      'TAP version 13',
      '# Subtest: sum',
      '    # Subtest: adds two numbers',
      '    ok 1 - adds two numbers',
      '    # Subtest: adds negatives',
      '    not ok 2 - adds negatives',
      '      ---',
      "      error: 'Expected values to be strictly equal'",
      '      ...',
      '    1..2',
      'not ok 1 - sum',
      'ok 2 - standalone # SKIP not today',
      '1..2',
      '# tests 3',
      '# pass 1',
      '# fail 1',
      '# skipped 1',
    ].join('\n');
    expect(parseTap(tap)).toEqual({
      passed: 1,
      failed: 1,
      failing: ['adds negatives', 'sum'],
      source: 'tap',
    });
  });

  it('counts ok / not ok lines at the outermost level without totals; an escaped # is part of a name', () => {
    expect(parseTap('1..3\nok 1 - a\nnot ok 2 - b \\# c\nok 3 - d # TODO later\nnot ok 4\n')).toEqual({
      passed: 1,
      failed: 2,
      failing: ['b # c', 'test 4'],
      source: 'tap',
    });
  });

  it('is null for output that holds no TAP', () => {
    expect(parseTap('Checked 12 files in 3ms. No fixes applied.')).toBeNull();
  });

  it('keeps at most 50 failing names however many fail', () => {
    const c = createTapCounter();
    for (let i = 0; i < 1000; i++) c.line(`not ok ${i} - t${i}`);
    expect(c.result()).toMatchObject({ failed: 1000 });
    expect(c.result()!.failing).toHaveLength(50);
  });
});

describe('JUnit XML', () => {
  it('counts test cases, a failure or error fails one, a skipped one counts neither way', () => {
    const xml = `<?xml version="1.0"?>
<testsuites><testsuite name="math" tests="4">
  <testcase classname="math" name="adds &amp; sums" time="0.01"/>
  <testcase classname="math" name="divides"><failure message="x">boom</failure></testcase>
  <testcase name='throws'><error message="y"/></testcase>
  <testcase name="later"><skipped/></testcase>
</testsuite></testsuites>`;
    expect(parseJunit(xml)).toEqual({
      passed: 1,
      failed: 2,
      failing: ['math › divides', 'throws'],
      source: 'junit',
    });
  });

  it('is null for XML without test cases', () => {
    expect(parseJunit('<testsuites/>')).toBeNull();
  });

  it('takes a case only with its close tag (spaces before its >), or one closing itself, not <testcases>', () => {
    const xml = `<testcases><testcase name="open"><testcase name="inner"/><failure/></testcase >
<testcase name="never closed"><failure/>
<testcase name="self"/>`;
    // A case runs to the first close tag (the tag inside it and its failure are its own); a case never
    // closed is none; the last closes itself.
    expect(parseJunit(xml)).toEqual({ passed: 1, failed: 1, failing: ['open'], source: 'junit' });
  });

  it('reads 16 MB of tags never closed (what a check may leave) in one pass', { timeout: 60_000 }, () => {
    // Once a regular expression looked for each tag's end to the end of the text: 1 MB took 16 s,
    // 16 MB would have held the host about an hour.
    const xml = `${'<testcase>'.repeat(1_600_000)}<testcase name="last"/>`;
    expect(parseJunit(xml)).toEqual({ passed: 1, failed: 0, failing: [], source: 'junit' });
  });
});

describe('the output tail', () => {
  it('keeps the last bytes whatever was pushed, saying how much came before', () => {
    const t = createTail(1024);
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 100_000; i++) t.push(line); // 10 MB
    t.push('the end\n');
    const text = t.text();
    expect(t.bytes).toBe(10_000_008);
    expect(text.endsWith('the end\n')).toBe(true);
    const [head, ...body] = text.split('\n');
    expect(head).toBe(`… ${(10_000_008 - 1024).toLocaleString('en')} bytes before this were cut`);
    expect(Buffer.byteLength(body.join('\n'))).toBe(1024);
  });

  it('keeps a short output whole, and cuts a chunk longer than the cap at a character', () => {
    const t = createTail(10);
    t.push('ok\n');
    expect(t.text()).toBe('ok\n');
    t.push('ééééééééé'); // 18 bytes
    expect(t.text()).toMatch(/^… \d+ bytes before this were cut\né+$/);
  });
});
