#!/usr/bin/env node
// Example Baton command agent: the sha256 of every file its task names in `inputs.files`
// (absolute paths, or relative to `inputs.base_dir`). Writes digests.sha256 (an artifact, in
// the format `sha256sum -c` reads) and answers with the digests and the files it could not read.
// Usage: node file-digest.mjs [context.json]   (without an argument the context is read from stdin)
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

const context = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const inputs = context.task.inputs ?? {};
const files = Array.isArray(inputs.files) ? inputs.files.filter((f) => typeof f === 'string') : [];
if (files.length === 0) {
  console.log('::error inputs.files must list at least one file');
  process.exit(1);
}
const baseDir = typeof inputs.base_dir === 'string' ? inputs.base_dir : process.cwd();

const digests = [];
const missing = [];
for (const [i, file] of files.entries()) {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    const size = statSync(path).size;
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    digests.push({ file, size, sha256: hash.digest('hex') });
  } catch (err) {
    console.error(`cannot read ${file}: ${err.code ?? err.message}`);
    missing.push(file);
  }
  console.log(`::progress ${Math.round((100 * (i + 1)) / files.length)} ${file}`);
}
if (digests.length === 0) {
  console.log(`::error none of the ${files.length} files could be read`);
  process.exit(1);
}
writeFileSync('digests.sha256', digests.map((d) => `${d.sha256}  ${d.file}\n`).join(''));
console.log(`::result ${JSON.stringify({ files: digests, missing })}`);
