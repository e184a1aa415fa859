// After the whole suite: the sandbox library's socat bridges of the Batons the tests killed on
// purpose (a crash, a dead owner, a worker stopped hard) end too, so a run leaves nothing running.
import { reapOrphanBridges } from '../../src-main/sandbox/orphan-bridges.ts';

export function teardown(): void {
  const reaped = reapOrphanBridges();
  if (reaped.length > 0)
    process.stdout.write(`\nended ${reaped.length} sandbox bridges left by killed Batons\n`);
}
