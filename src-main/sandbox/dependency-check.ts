import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Plain JS, run in a worker thread: the library loaded there, and its check of what it needs. */
const WORKER = `const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url)
  .then((lib) => lib.SandboxManager.checkDependenciesAsync(workerData.ripgrep))
  .then(
    (deps) => parentPort.postMessage({ errors: deps.errors }),
    (err) => parentPort.postMessage({ failed: String((err && err.message) || err) }),
  );`;

/** What the check found: what is missing, or why the library could not be loaded at all. */
export type DependencyCheck = { errors: string[] } | { failed: string };

/**
 * The sandbox library's check of what it needs on this machine (bubblewrap, socat and ripgrep on
 * Linux), made in a worker thread: loading the library (its proxies' modules, node:http's ESM face
 * and undici with them) and its look-ups with spawnSync take 0.1–0.2 s of a thread, and the one
 * the host answers on is not to give it. Rejects when no worker could make the check: the caller
 * makes it on its own thread then.
 */
export function dependencyCheckOffThread(ripgrep: {
  command: string;
  args: string[];
}): Promise<DependencyCheck> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      const url = pathToFileURL(createRequire(import.meta.url).resolve('@anthropic-ai/sandbox-runtime')).href;
      worker = new Worker(WORKER, { eval: true, workerData: { url, ripgrep } });
    } catch (err) {
      return reject(err);
    }
    worker.unref();
    worker.once('message', (m: DependencyCheck) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('the check ended without an answer')));
  });
}
