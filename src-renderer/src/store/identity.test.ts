import { describe, expect, it } from 'vitest';
import { storedIdentity } from './identity.ts';

const storage = (items: Record<string, string>) => ({ getItem: (k: string) => items[k] ?? null });

describe('storedIdentity', () => {
  it('reads the identity kept in this browser profile', () => {
    expect(storedIdentity(storage({ 'baton.identity': '{"name":"Bo","agentId":null}' }))).toEqual({
      name: 'Bo',
      agentId: null,
    });
    expect(storedIdentity(storage({ 'baton.identity': '{"name":"Ana","agentId":"ana"}' }))).toEqual({
      name: 'Ana',
      agentId: 'ana',
    });
  });

  it('takes over what an older Baton kept in two places: the name and the "I am" choice', () => {
    expect(storedIdentity(storage({ 'baton.actor': 'Bo', 'baton.human-agent': 'ana' }))).toEqual({
      name: 'Bo',
      agentId: 'ana',
    });
    expect(storedIdentity(storage({ 'baton.human-agent': 'ana', 'baton.actor': 'me' }))).toEqual({
      name: 'ana',
      agentId: 'ana',
    });
    expect(storedIdentity(storage({ 'baton.actor': ' Bo ' }))).toEqual({ name: 'Bo', agentId: null });
  });

  it('asks again rather than trusting nothing, the old default, or a value it cannot read', () => {
    expect(storedIdentity(storage({}))).toBeNull();
    expect(storedIdentity(storage({ 'baton.actor': 'me' }))).toBeNull();
    expect(storedIdentity(storage({ 'baton.identity': '{not json' }))).toBeNull();
    expect(storedIdentity(storage({ 'baton.identity': '{"name":"  ","agentId":null}' }))).toBeNull();
    expect(storedIdentity(storage({ 'baton.identity': '{"name":"Bo","agentId":3}' }))).toBeNull();
  });
});
