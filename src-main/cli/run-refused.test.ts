import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const examples = join(root, 'resources', 'examples');

function baton(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'src-main', 'cli', 'baton.js'), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('`baton run` refuses a plan before it writes anything', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-run-refused-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const agentsThere = () =>
    (
      JSON.parse(baton(['agents', 'list', '--json', '--data-dir', dir]).stdout) as {
        id: string;
        name: string;
      }[]
    ).map((a) => `${a.id}:${a.name}`);

  it('an example whose plan is invalid: exit 2 naming its path in the file; no agents, notes or plans written', () => {
    const bundle = JSON.parse(readFileSync(join(examples, 'laptops-research.json'), 'utf8'));
    bundle.plans[0].tasks[0].depends_on = ['nope'];
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const r = baton(['run', file, '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('baton: example file is invalid: plans[0].tasks[0].depends_on[0]: ');
    expect(agentsThere()).toEqual([]);
    const db = new Database(join(dir, 'baton.db'), { readonly: true });
    try {
      expect(db.prepare('select count(*) as n from memory_entries').get()).toEqual({ n: 0 });
      expect(db.prepare('select count(*) as n from plans').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('`--agents` with an invalid plan file: the agent already there is not replaced', () => {
    const agent = (name: string) => [{ id: 'ash', name, kind: 'echo', skills: ['summarization'] }];
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(agent('Ash')));
    writeFileSync(join(dir, 'other.json'), JSON.stringify(agent('Other Ash')));
    writeFileSync(
      join(dir, 'cycle.json'),
      JSON.stringify({
        plan_id: 'cycle',
        goal: 'g',
        tasks: [
          { task_id: 'a', description: 'a', required_skills: ['summarization'], depends_on: ['b'] },
          { task_id: 'b', description: 'b', required_skills: ['summarization'], depends_on: ['a'] },
        ],
      }),
    );
    expect(baton(['agents', 'import', join(dir, 'mine.json'), '--data-dir', dir]).code).toBe(0);
    const r = baton(['run', join(dir, 'cycle.json'), '--agents', join(dir, 'other.json'), '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^baton: plan is invalid: /);
    expect(agentsThere()).toEqual(['ash:Ash']);
  });
});
