import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('baton plans', () => {
  let dir: string;
  const baton = (...args: string[]) => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.ts'), ...args, '--data-dir', dir],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, USER: 'ana' } },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-plans-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists plans with tags and owner, archives (hidden, refused a run) and deletes one', () => {
    const file = join(dir, 'plan.json');
    writeFileSync(
      file,
      JSON.stringify({
        plan_id: 'nightly',
        name: 'Nightly',
        tags: ['reports'],
        owner: 'Ana',
        tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }],
      }),
    );
    const agents = join(dir, 'agents.json');
    writeFileSync(agents, JSON.stringify([{ id: 'w', skills: ['x'] }]));
    expect(baton('agents', 'import', agents).code).toBe(0);
    expect(baton('run', file).code).toBe(0);
    const listed = baton('plans');
    expect(listed.stdout).toMatch(/nightly\s+Nightly\s+v1\s+reports\s+Ana\s+active/);

    expect(baton('plans', 'archive', 'nightly').stdout).toBe('Archived plan nightly.\n');
    expect(baton('plans').stdout).toContain('No plans yet (archived ones: --archived)');
    expect(baton('plans', '--archived').stdout).toContain('archived');
    const refused = baton('run', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('plan "nightly" is archived: unarchive it to run it');

    // It has run: deleting it is refused, with what to do instead.
    const kept = baton('plans', 'delete', 'nightly');
    expect(kept.code).not.toBe(0);
    expect(kept.stderr).toContain('has 1 run: archive it instead');
    expect(baton('plans', 'unarchive', 'nightly').code).toBe(0);
    expect(baton('plans', 'list', '--json').stdout).toContain('"archived_at": null');
    expect(baton('plans', 'rename', 'nightly').stderr).toContain('usage: baton plans');
  });
});
