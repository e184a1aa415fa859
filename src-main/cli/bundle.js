// Which code the `baton` command runs (baton.js): the build's bundle of the CLI
// (out/main/cli.js, made by `npm run build`) while every file the bundle was made from is
// unchanged, as out/main/cli-sources.json lists them with their size and modification time
// (electron.vite.config.ts writes it), and the sources otherwise. One bundle starts in about half
// the time of the ~600 modules it replaces, loaded one by one; an edited or updated checkout never
// runs a bundle older than its code. JavaScript, as baton.js is: Node strips no types for it.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The URL of the bundle under `root` (a `file:` URL of the project folder, ending in `/`) when it
 * is there and each of its sources is as the build read it; null otherwise, or when
 * BATON_FROM_SOURCE=1 asks for the sources.
 * @param {URL} root
 * @param {Record<string, string | undefined>} env
 * @returns {string | null}
 */
export function currentBundle(root, env = process.env) {
  if (env.BATON_FROM_SOURCE === '1') return null;
  const bundle = new URL('out/main/cli.js', root);
  /** @type {[string, number, number][]} */
  let files;
  try {
    files = JSON.parse(readFileSync(new URL('out/main/cli-sources.json', root), 'utf8')).files;
    // An empty list proves nothing: the build lists every file it read.
    if (!Array.isArray(files) || files.length === 0 || !statSync(bundle).isFile()) return null;
  } catch {
    return null;
  }
  const base = fileURLToPath(root);
  for (const entry of files) {
    if (!Array.isArray(entry)) return null;
    const [path, size, mtimeMs] = entry;
    if (typeof path !== 'string') return null;
    const s = statSync(resolve(base, path), { throwIfNoEntry: false });
    if (s === undefined || s.size !== size || s.mtimeMs !== mtimeMs) return null;
  }
  return bundle.href;
}
