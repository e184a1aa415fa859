import { describe, expect, it } from 'vitest';
import { createAttemptLinks } from './attempt-links.ts';

describe('attempt links to /mcp', () => {
  it('are opened only while a host serves /mcp; each token speaks for its attempt until closed', () => {
    const links = createAttemptLinks();
    const at = { run_id: 'r', task_id: 't', attempt: 2 };
    expect(links.open(at)).toBeNull();
    links.serveAt('http://127.0.0.1:4800/mcp');
    const one = links.open(at)!;
    const two = links.open({ ...at, task_id: 'u' })!;
    expect(one.url).toBe('http://127.0.0.1:4800/mcp');
    expect(one.token).not.toBe(two.token);
    expect(links.attemptOf(one.token)).toEqual(at);
    expect(links.attemptOf(two.token)).toEqual({ ...at, task_id: 'u' });
    for (const wrong of [undefined, '', 'bta_', `${one.token}x`, one.token.slice(4)])
      expect(links.attemptOf(wrong)).toBeNull();
    one.close();
    expect(links.attemptOf(one.token)).toBeNull();
    expect(links.attemptOf(two.token)).not.toBeNull();
  });
});
