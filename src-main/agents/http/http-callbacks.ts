import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CallbackMessage } from './http-reply.ts';

/** Messages an attempt may hold unread before the agent is told to slow down (429). */
const MAX_QUEUED = 1_000;

/** What became of a message an agent posted. */
export type Delivery = 'accepted' | 'not_found' | 'unauthorized' | 'busy';

/** One attempt's callback: where the agent posts, with which token, and what it posted. */
export interface CallbackSlot {
  /** The URL the agent POSTs to (no secret in it). */
  readonly url: string;
  /** The per-attempt token the agent sends back as `Authorization: Bearer <token>`. */
  readonly token: string;
  /**
   * The next message posted, waiting up to `waitMs` (Infinity: until one comes); null when
   * the wait ran out or `signal` was aborted.
   */
  next(signal: AbortSignal, waitMs: number): Promise<CallbackMessage | null>;
  /** Ends the slot: its token is refused from now on. Called when the attempt ends. */
  close(): void;
}

/**
 * The callbacks http agents post results to, shared by the http executor (which opens one
 * slot per attempt) and the host that serves them (`POST /api/agent-callbacks/:id`).
 *
 * - The id in the URL is random and names the slot; the token is a separate random secret,
 *   kept only as its sha256 and compared in constant time.
 * - `running` messages (progress, log lines) may be posted many times; the first `completed`
 *   or `failed` closes the slot, so the token is good for one result only.
 * - A slot lives as long as its attempt: when the attempt ends (result, cancel, timeout) the
 *   executor closes it and the token is refused.
 */
export interface AgentCallbacks {
  /** Sets where the host serves callbacks (its base URL), or null when nothing serves them. */
  serveAt(baseUrl: string | null): void;
  /** A new slot, or null while no host serves callbacks (the agent is then polled). */
  open(): CallbackSlot | null;
  /** Whether `token` opens slot `id`: checked before the host reads the body. */
  check(id: string, token: string | undefined): Exclude<Delivery, 'busy' | 'accepted'> | 'ok';
  /** Hands a validated message to the slot's attempt. */
  deliver(id: string, token: string | undefined, message: CallbackMessage): Delivery;
}

export const CALLBACK_PATH = '/api/agent-callbacks/';

interface Slot {
  tokenHash: Buffer;
  queue: CallbackMessage[];
  wake: (() => void) | null;
}

export function createAgentCallbacks(): AgentCallbacks {
  let base: string | null = null;
  const slots = new Map<string, Slot>();

  const find = (id: string, token: string | undefined): Slot | 'not_found' | 'unauthorized' => {
    const slot = slots.get(id);
    if (!slot) return 'not_found';
    if (token === undefined || !timingSafeEqual(sha256(token), slot.tokenHash)) return 'unauthorized';
    return slot;
  };

  return {
    serveAt(baseUrl) {
      base = baseUrl === null ? null : new URL(CALLBACK_PATH, baseUrl).href;
    },
    open() {
      if (base === null) return null;
      const id = randomBytes(16).toString('base64url');
      const token = randomBytes(32).toString('base64url');
      const slot: Slot = { tokenHash: sha256(token), queue: [], wake: null };
      slots.set(id, slot);
      return {
        url: `${base}${id}`,
        token,
        next(signal, waitMs) {
          const ready = slot.queue.shift();
          if (ready !== undefined) return Promise.resolve(ready);
          if (signal.aborted) return Promise.resolve(null);
          return new Promise((resolve) => {
            const finish = () => {
              if (timer) clearTimeout(timer);
              signal.removeEventListener('abort', finish);
              slot.wake = null;
              resolve(slot.queue.shift() ?? null);
            };
            const timer = Number.isFinite(waitMs) ? setTimeout(finish, waitMs) : null;
            signal.addEventListener('abort', finish, { once: true });
            slot.wake = finish;
          });
        },
        close() {
          slots.delete(id);
          slot.queue.length = 0;
          slot.wake?.();
        },
      };
    },
    check(id, token) {
      const found = find(id, token);
      return typeof found === 'string' ? found : 'ok';
    },
    deliver(id, token, message) {
      const slot = find(id, token);
      if (typeof slot === 'string') return slot;
      if (slot.queue.length >= MAX_QUEUED) return 'busy';
      // The first result ends the slot: the token cannot deliver a second one.
      if (message.status !== 'running') slots.delete(id);
      slot.queue.push(message);
      slot.wake?.();
      return 'accepted';
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
