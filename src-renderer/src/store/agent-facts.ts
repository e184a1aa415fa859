import { useEffect } from 'react';
import type { RouteFacts } from '../../../src-shared/coding-route.ts';
import type { SandboxStatus } from '../../../src-shared/schemas/sandbox.ts';
import { useBaton } from './index.ts';

/** Asks for the host's facts (the first time a screen showing them is drawn: `wantAgentFacts`). */
function useWanted(): void {
  const want = useBaton((s) => s.wantAgentFacts);
  useEffect(() => want(), [want]);
}

/** Whether this host can run the OS sandbox; null until known. */
export function useSandboxStatus(): SandboxStatus | null {
  useWanted();
  return useBaton((s) => s.sandboxStatus);
}

/** What a coding agent's default route hangs on here; null until known. */
export function useRouteFacts(): RouteFacts | null {
  useWanted();
  return useBaton((s) => s.routeFacts);
}
