import { describe, expect, it } from 'vitest';
import { taskWatchers } from './task-watchers.ts';

describe('task watchers', () => {
  it("tell one task's watchers, or all; a watcher that stopped hears nothing", () => {
    const w = taskWatchers();
    const heard: string[] = [];
    const stopA = w.watch('r1', 't1', () => heard.push('a'));
    w.watch('r1', 't1', () => heard.push('b'));
    w.watch('r1', 't2', () => heard.push('c'));
    // A task id that would collide with another run's if the key were joined with a visible mark.
    w.watch('r1/t', '1', () => heard.push('d'));
    w.tell('r1', 't1');
    expect(heard.sort()).toEqual(['a', 'b']);
    heard.length = 0;
    stopA();
    w.tellAll();
    expect(heard.sort()).toEqual(['b', 'c', 'd']);
  });
});
