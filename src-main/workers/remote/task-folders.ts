import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { seg } from './server-link.ts';

/** What a session's folder says of its worker, so a later session knows whether it still runs. */
const OWNER_FILE = 'owner.json';

/**
 * Where a worker's attempts get their folders, and when they go. Each session of `baton worker`
 * has its own folder under `<data dir>/tasks/` (two workers may share a data dir); an attempt's
 * folder is `<session>/<run>/<task>/<attempt>`. An attempt's folder is removed once it ended: its
 * completion (result, log and files) acknowledged by the server, or the attempt dropped or given
 * back (the server runs it again elsewhere; nothing here is wanted). Only an attempt that left
 * files the server could not take (too many, too large, unreadable) is kept, moved to
 * `<data dir>/kept/`, which Baton never cleans: the worker says where. A session's folder goes
 * when the worker stops; what a session left when its worker was killed goes when the next one
 * starts (a session whose worker still runs is left alone).
 */
export class TaskFolders {
  /** This session's folder. */
  readonly dir: string;
  private readonly root: string;
  private readonly say: (line: string) => void;

  constructor(workDir: string, say: (line: string) => void, session = `${Date.now()}-${process.pid}`) {
    this.root = workDir;
    this.say = say;
    const tasks = join(workDir, 'tasks');
    this.dir = join(tasks, session);
    this.sweepEarlier(tasks, session);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, OWNER_FILE), JSON.stringify({ pid: process.pid, started: Date.now() }));
  }

  /** The folder of one attempt (made by the attempt). */
  attemptDir(runId: string, taskId: string, attempt: number): string {
    return join(this.dir, seg(runId), seg(taskId), String(attempt));
  }

  /**
   * The attempt ended. `leftBehind`: its files the server could not take, after the server
   * acknowledged its completion: then the folder is kept (moved to `kept/`), and said.
   */
  finished(dir: string, what: string, leftBehind: readonly string[] = []): void {
    // An agent that uses no folder (echo) made none.
    if (!existsSync(dir)) return;
    try {
      if (leftBehind.length > 0 && existsSync(dir)) {
        const kept = join(this.root, 'kept', [...relativeParts(this.dir, dir)].join('-'));
        mkdirSync(join(kept, '..'), { recursive: true, mode: 0o700 });
        renameSync(dir, kept);
        this.say(
          `${what}: kept its folder ${kept}: ${leftBehind.length} file(s) the server could not take stay there (${leftBehind.join(', ')}); remove it when done`,
        );
      } else {
        rmSync(dir, { recursive: true, force: true });
      }
      // The task's and the run's folders go with their last attempt.
      for (let up = join(dir, '..'); up.startsWith(this.dir) && up !== this.dir; up = join(up, '..')) {
        if (readdirSync(up).length > 0) break;
        rmSync(up, { recursive: true, force: true });
      }
    } catch (err) {
      this.say(`${what}: could not remove its folder ${dir}: ${(err as Error).message}`);
    }
  }

  /** The worker stops: this session's folder goes (its attempts ended). */
  close(): void {
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch (err) {
      this.say(`could not remove ${this.dir}: ${(err as Error).message}`);
    }
  }

  /** Removes the folders of earlier sessions whose worker no longer runs. */
  private sweepEarlier(tasks: string, session: string): void {
    let names: string[];
    try {
      // A link in place of the folder would have this sweep empty wherever it leads.
      if (lstatSync(tasks).isSymbolicLink()) throw new Error(`${tasks} is a symbolic link: remove it`);
      names = readdirSync(tasks);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no tasks folder yet
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      if (name === session) continue;
      const folder = join(tasks, name);
      if (ownerRuns(folder)) continue;
      try {
        rmSync(folder, { recursive: true, force: true });
        removed++;
      } catch (err) {
        this.say(`could not remove ${folder}, left by an earlier session: ${(err as Error).message}`);
      }
    }
    if (removed > 0) this.say(`removed the task folders of ${removed} earlier session(s) in ${tasks}`);
  }
}

/** The run, task and attempt of an attempt's folder (its path under the session's). */
function relativeParts(session: string, dir: string): string[] {
  return dir.slice(session.length).split(/[\\/]/).filter(Boolean);
}

/** Whether the worker that made a session's folder still runs (another worker on the same data dir). */
function ownerRuns(folder: string): boolean {
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8')) as { pid?: unknown }).pid;
  } catch {
    return false;
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
