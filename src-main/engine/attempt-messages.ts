import type { MessageDelivery, MessageHow, PersonMessage } from './executor.ts';

/** What a running attempt does with a person's message: how it reaches the agent, or null once it takes none (its last turn ended). */
export type MessageReceiver = (m: PersonMessage) => MessageDelivery | null;

/**
 * The running attempts that take a person's words (`runs.say`), by run and task: an executor
 * that can be told something while it runs listens (`TaskContext.listen`) for as long as it
 * can; its attempt's end forgets it. A map entry only while an attempt listens.
 */
export class AttemptMessages {
  private readonly receivers = new Map<
    string,
    { attempt: number; receive: MessageReceiver; how: MessageHow; held: MessageHow | undefined }
  >();

  /** The attempt listens; returns what forgets it (a later attempt's receiver is left alone). */
  listen(
    runId: string,
    taskId: string,
    attempt: number,
    receive: MessageReceiver,
    how: MessageHow,
    held?: MessageHow,
  ): () => void {
    const key = keyOf(runId, taskId);
    const entry = { attempt, receive, how, held };
    this.receivers.set(key, entry);
    return () => {
      if (this.receivers.get(key) === entry) this.receivers.delete(key);
    };
  }

  /** The attempt's receiver, if the task's attempt `attempt` listens. */
  receiver(runId: string, taskId: string, attempt: number): MessageReceiver | null {
    const entry = this.receivers.get(keyOf(runId, taskId));
    return entry && entry.attempt === attempt ? entry.receive : null;
  }

  /**
   * How the task's listening attempt takes a message, or null when none listens: its `held` way
   * while a person holds its agent (`heldNow`, asked only where the attempt has one).
   */
  how(runId: string, taskId: string, heldNow: () => boolean = () => false): MessageHow | null {
    const entry = this.receivers.get(keyOf(runId, taskId));
    if (!entry) return null;
    return entry.held && heldNow() ? entry.held : entry.how;
  }

  /** The attempt ended: whatever it left listening is forgotten. */
  ended(runId: string, taskId: string, attempt: number): void {
    if (this.receivers.size === 0) return;
    const key = keyOf(runId, taskId);
    if (this.receivers.get(key)?.attempt === attempt) this.receivers.delete(key);
  }
}

const keyOf = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;
