import type { StateCreator } from 'zustand';
import type { Me } from '../../../src-shared/schemas/people.ts';
import { peopleApi } from '../api/people.ts';
import type { BatonState } from './index.ts';

/**
 * Who uses this browser profile: the name recorded when they approve, reject or cancel, and
 * the human agent whose tasks "My tasks" lists when they are one of them.
 */
export interface Identity {
  name: string;
  /** The human agent this person is, if any. */
  agentId: string | null;
}

const KEY = 'baton.identity';
/** Where an older Baton kept the name ("Deciding as") and the "I am" choice apart. */
const OLD_ACTOR_KEY = 'baton.actor';
const OLD_HUMAN_KEY = 'baton.human-agent';

export interface IdentitySlice {
  /**
   * Who the host proved this page is (`people.me`): a signed-in person, or the owner at this
   * machine. With a person, their name is who acts everywhere; the typed name is for a Baton
   * without accounts yet.
   */
  me: Me | null;
  loadMe(): Promise<void>;
  /** Null until the person says who they are (asked once, the first time it is needed). */
  identity: Identity | null;
  /** The human agent of `identity`, or null: whose tasks "My tasks" lists. */
  humanAgentId: string | null;
  /** Why the "who are you" dialog is open (what waits for the answer), or null when closed. */
  identityPrompt: { why: string } | null;
  setIdentity(identity: Identity | null): void;
  /** Opens the dialog to change who you are. */
  changeIdentity(): void;
  /**
   * Who you are, asking first when no one has said yet: resolves with the answer, or null when
   * the dialog is closed without one (the action that asked does not happen).
   */
  requireIdentity(why: string): Promise<Identity | null>;
  /** The dialog's answer (null: closed without one). */
  answerIdentity(identity: Identity | null): void;
}

/** The identity kept in this browser profile, or the one an older Baton kept in two keys. */
export function storedIdentity(storage: Pick<Storage, 'getItem'>): Identity | null {
  const raw = storage.getItem(KEY);
  if (raw) {
    try {
      const v: unknown = JSON.parse(raw);
      if (isIdentity(v)) return v;
    } catch {
      // an unreadable value is as good as none: the person is asked again
    }
  }
  const agentId = storage.getItem(OLD_HUMAN_KEY);
  const actor = storage.getItem(OLD_ACTOR_KEY)?.trim();
  if (agentId) return { name: actor && actor !== 'me' ? actor : agentId, agentId };
  if (actor && actor !== 'me') return { name: actor, agentId: null };
  return null;
}

function isIdentity(v: unknown): v is Identity {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    o.name.trim() !== '' &&
    (o.agentId === null || typeof o.agentId === 'string')
  );
}

/** Answers to the open dialog: every caller waiting on `requireIdentity`. */
let waiting: ((identity: Identity | null) => void)[] = [];

export const createIdentitySlice: StateCreator<BatonState, [], [], IdentitySlice> = (set, get) => {
  const initial = storedIdentity(localStorage);
  return {
    identity: initial,
    humanAgentId: initial?.agentId ?? null,
    identityPrompt: null,
    me: null,
    async loadMe() {
      try {
        set({ me: await peopleApi.me() });
      } catch {
        // an older host without people: the typed name stays who acts
      }
    },
    setIdentity(identity) {
      localStorage.removeItem(OLD_ACTOR_KEY);
      localStorage.removeItem(OLD_HUMAN_KEY);
      if (identity) localStorage.setItem(KEY, JSON.stringify(identity));
      else localStorage.removeItem(KEY);
      const agentChanged = (identity?.agentId ?? null) !== get().humanAgentId;
      set({ identity, humanAgentId: identity?.agentId ?? null });
      if (agentChanged) void get().loadInbox();
    },
    changeIdentity: () => set({ identityPrompt: { why: '' } }),
    requireIdentity(why) {
      const person = get().me?.person;
      if (person) return Promise.resolve({ name: person.name, agentId: get().identity?.agentId ?? null });
      const known = get().identity;
      if (known) return Promise.resolve(known);
      set({ identityPrompt: { why } });
      return new Promise((resolve) => waiting.push(resolve));
    },
    answerIdentity(identity) {
      if (identity) get().setIdentity(identity);
      set({ identityPrompt: null });
      const callers = waiting;
      waiting = [];
      for (const resolve of callers) resolve(identity);
    },
  };
};

/** The name recorded for what this person does, as far as it is known. */
export const actorOf = (s: Pick<BatonState, 'identity'> & Partial<Pick<BatonState, 'me'>>): string =>
  s.me?.person?.name ?? s.identity?.name ?? 'you';
