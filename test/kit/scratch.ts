import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';

/** What a test makes through `scratch()`, all of it gone after the test. */
export interface Scratch {
  /** A new temporary folder. */
  temp(prefix: string): string;
  /** A git repository of these files (`makeRepo`). */
  repo(files?: Record<string, string>): TempRepo;
  /** An app on a new data dir (`baton-<…>` by `prefix`), closed after the test. */
  app(prefix: string): BatonApp;
}

/**
 * The apps, folders and repositories of a test file, made through what it returns and removed after
 * each test (the app closed first, so nothing of it writes into a folder being removed). Call once,
 * at the top of the file: it registers its own `afterEach`.
 */
export function scratch(): Scratch {
  const apps: BatonApp[] = [];
  const dirs: string[] = [];
  const repos: TempRepo[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    for (const r of repos.splice(0)) r.cleanup();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const temp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  return {
    temp,
    repo: (files) => {
      const r = makeRepo(files);
      repos.push(r);
      return r;
    },
    app: (prefix) => {
      const a = createApp({ dataDir: temp(prefix), log: () => {} });
      apps.push(a);
      return a;
    },
  };
}
