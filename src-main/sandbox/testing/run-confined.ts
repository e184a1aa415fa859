import { spawnTree } from '../../processes/process-tree.ts';
import type { Blocked } from '../blocked.ts';
import type { ConfineRequest } from '../confine.ts';
import { confine } from '../confine.ts';

/**
 * Runs a confined program to its end as Baton does, for the sandbox's tests: a process tree, its
 * stderr told line by line, then released. Throws when it could not be confined.
 */
export async function runConfined(req: ConfineRequest): Promise<{
  code: number | null;
  out: string;
  err: string;
  blocked: Blocked[];
}> {
  const made = await confine(req);
  if (!made.ok) throw new Error(made.error);
  const p = made.program;
  const tree = spawnTree(p.command, p.args, {
    cwd: req.cwd,
    env: p.env,
    graceMs: 1_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  tree.child.stdout!.on('data', (c: Buffer) => {
    out += c;
  });
  tree.child.stderr!.on('data', (c: Buffer) => {
    err += c;
  });
  const code = await new Promise<number | null>((r) => tree.child.on('close', r));
  await tree.stop();
  for (const line of err.split('\n')) p.stderr(line);
  await p.release();
  return { code, out, err, blocked: p.take() };
}
