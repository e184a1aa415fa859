import { messageHow } from '../../../../src-shared/steering.ts';
import type { PersonMessage, TaskContext } from '../../../engine/executor.ts';

/**
 * A person's words to a running tool loop (`runs.say`), kept until its next model call: the loop
 * sends them there as a user message, after the tool calls it was answering, and records each as
 * a step in the person's name. Words that come while the model gives its final answer make the
 * loop ask it once more. Once the loop has its answer it takes none.
 */
export class Heard {
  private readonly queue: PersonMessage[] = [];
  private closed = false;
  private readonly forget: (() => void) | null;

  constructor(listen: TaskContext['listen']) {
    this.forget =
      listen?.(
        (m) => {
          if (this.closed) return null;
          this.queue.push(m);
          return 'this_turn';
        },
        messageHow('LLM agent', 'this_turn', 'at its next model call'),
      ) ?? null;
  }

  /** Whether words wait for the next model call. */
  get waiting(): boolean {
    return this.queue.length > 0;
  }

  /** The words that came since last asked, oldest first. */
  take(): PersonMessage[] {
    return this.queue.splice(0);
  }

  /** The loop has its answer (or ended): what comes now is refused, and the engine forgets it. */
  close(): void {
    this.closed = true;
    this.forget?.();
  }
}
