import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Artifact } from '../../src-shared/schemas/run.ts';
import { call, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const RECORDED = 'the report as the daemon handed it in\n';

/** A data directory with one artifact, `report.txt`, handed in by a daemon and recorded. */
async function recordedArtifact(): Promise<{ artifact: Artifact; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-artifact-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  app = createApp({ dataDir: join(dir, 'data'), executors: { echo: undefined }, log: () => {} });
  const run = await setup(app, [{ id: 'd', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
  const ref = { agent_id: 'd', run_id: run, task_id: 't' };
  await call(app, 'work.execute', ref);
  await call(app, 'work.complete', {
    ...ref,
    status: 'completed',
    files: [{ name: 'report.txt', content: RECORDED }],
  });
  const [artifact] = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id: run, task_id: 't' });
  return { artifact: artifact!, dir };
}

/** What `runs.readArtifact` answers, as the wire carries it. */
const read = (artifact: Artifact) => app.dispatch('runs.readArtifact', { artifact_id: artifact.id });

/** A file elsewhere, as an agent would point a link at (the user's keys, say). */
function secret(dir: string, content: string): string {
  const path = join(dir, 'secret.txt');
  writeFileSync(path, content);
  return path;
}

const refused = (reason: string) => ({
  ok: false,
  error: {
    code: 'conflict',
    message: expect.stringMatching(/^the file of artifact \d+ \(report\.txt\) .*; it is not sent$/),
    details: expect.objectContaining({ reason }),
  },
});

describe('runs.readArtifact', () => {
  it('sends the file as recorded', async () => {
    const { artifact } = await recordedArtifact();
    expect(await read(artifact)).toMatchObject({
      ok: true,
      value: { encoding: 'utf8', content: RECORDED, truncated: false },
    });
  });

  it('does not follow a symbolic link swapped in after recording, even to a file of the same size', async () => {
    const { artifact, dir } = await recordedArtifact();
    for (const content of ['another file entirely', 'x'.repeat(RECORDED.length)]) {
      rmSync(artifact.path);
      symlinkSync(secret(dir, content), artifact.path);
      expect(await read(artifact)).toMatchObject(refused('symlink'));
    }
  });

  it('does not follow a symbolic link in place of the workspace, even to an identical copy', async () => {
    const { artifact, dir } = await recordedArtifact();
    const workspace = dirname(artifact.path);
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'report.txt'), RECORDED);
    renameSync(workspace, `${workspace}.old`);
    symlinkSync(copy, workspace);
    expect(await read(artifact)).toMatchObject(refused('symlink'));
  });

  it('refuses a file rewritten after recording: another size, or the same size with other bytes', async () => {
    const { artifact } = await recordedArtifact();
    writeFileSync(artifact.path, `${RECORDED}and more`);
    expect(await read(artifact)).toMatchObject(refused('changed'));
    writeFileSync(artifact.path, RECORDED.toUpperCase());
    expect(await read(artifact)).toMatchObject(refused('changed'));
    writeFileSync(artifact.path, RECORDED);
    expect(await read(artifact)).toMatchObject({ ok: true, value: { content: RECORDED } });
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO put in its place without waiting on it',
    async () => {
      const { artifact } = await recordedArtifact();
      rmSync(artifact.path);
      execFileSync('mkfifo', [artifact.path]);
      expect(await read(artifact)).toMatchObject(refused('not_a_file'));
    },
  );

  it('sends a part from an offset, in base64 when asked, and says whether the file goes on', async () => {
    const { artifact } = await recordedArtifact();
    const part = (offset: number, encoding?: 'base64') =>
      app.dispatch('runs.readArtifact', {
        artifact_id: artifact.id,
        offset,
        ...(encoding ? { encoding } : {}),
      });
    expect(await part(4)).toMatchObject({
      ok: true,
      value: { encoding: 'utf8', content: RECORDED.slice(4), truncated: false },
    });
    expect(await part(0, 'base64')).toMatchObject({
      ok: true,
      value: { encoding: 'base64', content: Buffer.from(RECORDED).toString('base64'), truncated: false },
    });
    expect(await part(RECORDED.length + 10)).toMatchObject({
      ok: true,
      value: { content: '', truncated: false },
    });
  });

  it('reads a file past the limit in parts that join into the file, each checked against its sha256', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-artifact-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    app = createApp({ dataDir: join(dir, 'data'), executors: { echo: undefined }, log: () => {} });
    const run = await setup(app, [{ id: 'd', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    const ref = { agent_id: 'd', run_id: run, task_id: 't' };
    // 2.5 MB that are not text, so every part is base64 and no byte is lost to decoding.
    const bytes = Buffer.alloc(2_621_440, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    await call(app, 'work.execute', ref);
    await call(app, 'work.complete', {
      ...ref,
      status: 'completed',
      files: [{ name: 'big.bin', content: bytes.toString('base64'), encoding: 'base64' }],
    });
    const [artifact] = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id: run, task_id: 't' });
    const parts: Buffer[] = [];
    let truncated = true;
    for (let offset = 0; truncated; ) {
      const r = await call<{ content: string; truncated: boolean; encoding: string }>(
        app,
        'runs.readArtifact',
        {
          artifact_id: artifact!.id,
          offset,
          encoding: 'base64',
        },
      );
      expect(r.encoding).toBe('base64');
      const part = Buffer.from(r.content, 'base64');
      parts.push(part);
      offset += part.length;
      truncated = r.truncated;
    }
    expect(parts.map((p) => p.length)).toEqual([1_048_576, 1_048_576, 524_288]);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('says the file is gone when it is', async () => {
    const { artifact } = await recordedArtifact();
    rmSync(artifact.path);
    expect(await read(artifact)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
