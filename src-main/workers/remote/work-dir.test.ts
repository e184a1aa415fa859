import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workerSetup } from '../../cli/commands/worker.ts';
import { TaskFolders } from './task-folders.ts';
import { privateFolderProblem } from './work-dir.ts';

/**
 * `baton worker` without `--data-dir` kept its folders at `/tmp/baton-worker-<id>`, a name anyone
 * on the machine can make first: a `tasks` link there to a folder of the worker's user had the
 * start's sweep of earlier sessions empty it.
 */
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};

describe("a worker's folder", () => {
  it("is in the user's own cache folder by default, not a fixed name in the shared temp folder", () => {
    const flags = temp('baton-worker-dir-flags-');
    writeFileSync(join(flags, 'agents.json'), JSON.stringify([{ id: 'e', kind: 'echo', skills: ['x'] }]));
    const setup = workerSetup({
      server: 'http://127.0.0.1:4800/',
      token: 'bwk_x',
      agents: join(flags, 'agents.json'),
      id: 'probe',
      pollMs: undefined,
      dataDir: undefined,
    });
    expect(setup.workDir.startsWith(tmpdir())).toBe(false);
    expect(setup.workDir).toMatch(/[\\/]baton[\\/]worker-probe$/);
  });

  it('is refused when others may write in it, or it is a link', () => {
    const open = join(temp('baton-worker-dir-'), 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(privateFolderProblem(open)).toMatch(/^others may write in it \(mode 777\)/);
    const linked = join(temp('baton-worker-dir-'), 'linked');
    symlinkSync(temp('baton-worker-dir-target-'), linked);
    expect(privateFolderProblem(linked)).toBe('is a symbolic link; name the folder itself');
    const fresh = join(temp('baton-worker-dir-'), 'a', 'b');
    expect(privateFolderProblem(fresh)).toBeNull();
    expect(existsSync(fresh)).toBe(true);
  });

  it('never sweeps through a `tasks` link: the folder it leads to is left as it is', () => {
    const dir = temp('baton-worker-dir-');
    const victim = temp('baton-worker-dir-victim-');
    mkdirSync(join(victim, 'projects'));
    writeFileSync(join(victim, 'projects', 'precious.txt'), 'do not delete');
    symlinkSync(victim, join(dir, 'tasks'));
    expect(() => new TaskFolders(dir, () => {})).toThrow(/tasks is a symbolic link: remove it/);
    expect(existsSync(join(victim, 'projects', 'precious.txt'))).toBe(true);
  });
});
