// After the whole suite: the sandbox library's socat bridges, the sandboxed programs' temp
// folders and the stand-ins of read-only paths of the Batons the tests killed on purpose (a crash, a dead owner, a worker stopped hard)
// go too, so a run leaves nothing running and nothing in the temp folder.
import { reapOrphanBridges } from '../../src-main/sandbox/orphan-bridges.ts';
import { reapOrphanStandIns } from '../../src-main/sandbox/stand-ins.ts';
import { reapOrphanTempFolders } from '../../src-main/sandbox/temp-folders.ts';

export function teardown(): void {
  const reaped = reapOrphanBridges();
  if (reaped.length > 0)
    process.stdout.write(`\nended ${reaped.length} sandbox bridges left by killed Batons\n`);
  const removed = reapOrphanTempFolders();
  if (removed.length > 0)
    process.stdout.write(
      `removed ${removed.length} sandbox temp folders and proxy sockets left by killed Batons\n`,
    );
  // The folders they were in (worktrees, temp homes) are mostly gone by now: what is left goes.
  reapOrphanStandIns();
}
