// The ACP route's figures in `npm run bench` (acp-worker.ts): beside the stream parsers' lines/s,
// and the tool-call approval round trip through ACP against its goal.
import type { AcpFigures } from './acp-worker.ts';
import { fmt } from './report.ts';

/** The tool-call approval round trip through ACP, excluding the person, p50. */
export const ACP_APPROVAL_GOAL_P50_MS = 20;

const ms = (n: number) => (n < 10 ? fmt(n, 1) : fmt(n, 0));

/** Beside the stream parsers' table: the same lines/s, for the ACP route's messages. */
export function acpTable(a: AcpFigures | null): void {
  if (!a) return void console.log('acp: no figure (acp-worker.ts failed)');
  console.log(
    "\nAn ACP agent's session/update messages: messages/s parsed, and parsed and stored (acp-worker.ts)\n",
  );
  console.log(
    `${'route'.padEnd(9)}${'messages'.padStart(8)}${'parsed/s'.padStart(11)}${'stored/s (engine)'.padStart(19)}`,
  );
  console.log(
    `${'acp'.padEnd(9)}${fmt(a.messages).padStart(8)}${fmt(a.parsedPerSec).padStart(11)}${fmt(a.storedPerSec).padStart(19)}`,
  );
  console.log(
    "  thought and message chunks, tool calls with diffs and plans, parsed and turned into steps by the ACP route's trace;\n" +
      `  engine: each step stored in a tick's transaction as on the stream route (${fmt(a.steps)} step versions, ${fmt(a.stored)} steps stored)`,
  );
}

export function acpGoals(a: AcpFigures | null): void {
  if (!a) return void console.log('tool-call approval through ACP: no figure');
  const met = a.approvalP50Ms <= ACP_APPROVAL_GOAL_P50_MS;
  console.log(
    `approval through ACP    goal p50 ≤ ${ACP_APPROVAL_GOAL_P50_MS} ms    measured ${ms(a.approvalP50Ms)} ms (p99 ${ms(a.approvalP99Ms)} ms, ${fmt(a.approvals)} requests)   ${met ? 'met' : 'NOT met'}`,
  );
}
