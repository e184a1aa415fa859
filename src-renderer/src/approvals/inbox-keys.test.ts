import { describe, expect, it } from 'vitest';
import { cursorOf, INBOX_KEYS, inboxActionOf, moved } from './inbox-keys.ts';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('the inbox keys', () => {
  it('reads a plain letter as its action, and nothing with Ctrl, ⌘ or Alt held', () => {
    expect(inboxActionOf(press('j'))).toBe('next');
    expect(inboxActionOf(press('x'))).toBe('reject');
    expect(inboxActionOf(press('x', { ctrlKey: true }))).toBe(null);
    expect(inboxActionOf(press('a', { metaKey: true }))).toBe(null);
    expect(inboxActionOf(press('J'))).toBe(null);
    expect(inboxActionOf(press('q'))).toBe(null);
    // One action a key, each named once.
    expect(new Set(INBOX_KEYS.map((k) => k.key)).size).toBe(INBOX_KEYS.length);
  });

  it('moves the cursor along the queue, staying within it', () => {
    const ids = ['a', 'b', 'c'];
    expect(moved(ids, null, 1)).toBe('a');
    expect(moved(ids, null, -1)).toBe('c');
    expect(moved(ids, 'a', 1)).toBe('b');
    expect(moved(ids, 'c', 1)).toBe('c');
    expect(moved(ids, 'a', -1)).toBe('a');
    expect(moved(ids, 'gone', 1)).toBe('a');
    expect(moved([], 'a', 1)).toBe(null);
  });

  it('keeps the cursor on its card, or on the one that took the place of a decided one', () => {
    const ids = ['a', 'c', 'd'];
    expect(cursorOf(ids, null)).toBe('a');
    expect(cursorOf(ids, { id: 'c', index: 1 })).toBe('c');
    // b (index 1) was decided: c took its place.
    expect(cursorOf(ids, { id: 'b', index: 1 })).toBe('c');
    // The last was decided: the one before it is current.
    expect(cursorOf(ids, { id: 'e', index: 3 })).toBe('d');
    expect(cursorOf([], { id: 'a', index: 0 })).toBe(null);
  });
});
