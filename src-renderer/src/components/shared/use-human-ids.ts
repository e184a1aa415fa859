import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useBaton } from '../../store/index.ts';

/** The ids of the human agents: a task ready for one of them waits for a person. */
export function useHumanIds(): ReadonlySet<string> {
  const ids = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human').map((a) => a.id)));
  return useMemo(() => new Set(ids), [ids]);
}
