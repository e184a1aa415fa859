import type { StepOf, StoredStep } from '../../../../src-shared/schemas/step.ts';

/** One call of a model turn as the stored steps tell it (the latest version of its step wins). */
export interface PastCall {
  call_id: string;
  step: StepOf<'tool_call'>;
}

/** One model turn: what the model said and the calls it asked for, in order. */
export interface PastTurn {
  text: string;
  calls: PastCall[];
  /** What people said to the loop after this turn (`runs.say`), in order. */
  said: string[];
}

/** Where an earlier attempt's loop stopped, as its stored steps tell it. */
export interface LoopHistory {
  turns: PastTurn[];
  /** Model requests made (usage steps), which count toward `max_steps`. */
  modelTurns: number;
  /** USD the priced usage steps add up to, which counts toward `max_cost_usd`. */
  spent: number;
  /** The attempts the history comes from. */
  attempts: number[];
}

/**
 * The loop so far, from the steps of this task's earlier attempts: those after the last attempt
 * that reached an answer or gave up (a `result` step) — a retry after a failure starts over; an
 * attempt a restart (or a timeout) interrupted is gone on from. A turn begins at its assistant
 * `message` step; a `tool_call` step joins the turn that asked for the call, across attempts
 * (a later attempt that finished a call records it under the same call id).
 */
export function loopHistory(earlier: readonly StoredStep[]): LoopHistory {
  let from = 0;
  for (let i = 0; i < earlier.length; i++) if (earlier[i]!.kind === 'result') from = i + 1;
  const steps = earlier.slice(from);
  const history: LoopHistory = { turns: [], modelTurns: 0, spent: 0, attempts: [] };
  const calls = new Map<string, PastCall>();
  for (const s of steps) {
    if (!history.attempts.includes(s.attempt)) history.attempts.push(s.attempt);
    switch (s.kind) {
      case 'usage':
        history.modelTurns++;
        history.spent += s.cost_usd ?? 0;
        break;
      case 'message':
        if (s.role === 'assistant') history.turns.push({ text: s.text, calls: [], said: [] });
        else if (s.role === 'user' && s.by !== undefined) history.turns.at(-1)?.said.push(s.text);
        break;
      case 'tool_call': {
        const { run_id: _r, task_id: _t, attempt: _a, ...step } = s;
        const known = calls.get(s.call_id);
        if (known) {
          known.step = step;
          break;
        }
        const turn = history.turns.at(-1);
        if (!turn) break;
        const call = { call_id: s.call_id, step };
        calls.set(s.call_id, call);
        turn.calls.push(call);
        break;
      }
      default:
        break;
    }
  }
  return history;
}
