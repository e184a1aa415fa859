import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Baton's install folder (its package.json, resources/, node_modules/, out/): two folders above
 * this file, as every file of the build is (`out/main/*.js`: the desktop app's main process and
 * the `baton` command's bundle, their chunks beside them, not in a folder below). Every path
 * inside the install is made from this, never from a module's own place: in the build, a module's
 * code may sit in any chunk.
 */
export const BATON_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
