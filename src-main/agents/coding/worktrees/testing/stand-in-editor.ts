import { chmodSync, writeFileSync } from 'node:fs';

/**
 * Writes `program`, a stand-in editor (`code`, `cursor`…) that records what it was started with:
 * `record`, a JavaScript expression run in it (`{ argv: process.argv.slice(2) }`), as JSON in
 * `out`. Written beside, then moved into place: a test waiting for `out` never reads half of it.
 */
export function writeStandInEditor(program: string, out: string, record: string): void {
  const part = JSON.stringify(`${out}.part`);
  writeFileSync(
    program,
    `#!${process.execPath}\nconst fs = require('node:fs');\nfs.writeFileSync(${part}, JSON.stringify(${record}));\nfs.renameSync(${part}, ${JSON.stringify(out)});\n`,
  );
  chmodSync(program, 0o755);
}
