import { expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import { eventsOf, payloadOf, slackBody } from './events.ts';

// An agent's usage limit is told to webhooks from the audit entries the engine writes with it.
const entry = (from: string | null, to: string, run: string | null): AuditEntry => ({
  id: 1,
  at: '2026-05-01T12:00:00.000Z',
  actor: 'engine',
  entity: 'agent',
  entity_id: 'ana',
  run_id: run,
  from_status: from,
  to_status: to,
  why: 'agent "ana" is limited until 2026-05-01T13:00:00.000Z: rate_limit_error: slow down',
});
const facts = { run: null, approval: null };

it('an agent limited, then available again, are agent.limited and agent.available; an agent edited is neither', () => {
  expect(eventsOf(entry(null, 'limited', 'r1'), facts)).toEqual(['agent.limited']);
  expect(eventsOf(entry('limited', 'available', null), facts)).toEqual(['agent.available']);
  expect(eventsOf(entry(null, 'sandbox off', null), facts)).toEqual([]);
  const p = payloadOf('agent.limited', entry(null, 'limited', 'r1'), facts, null);
  expect(p.data).toMatchObject({
    run_id: 'r1',
    status: 'limited',
    reason: expect.stringContaining('until 2026-05-01T13:00'),
  });
  expect(slackBody(p).text).toBe(
    '*Agent limited: its account hit a usage limit (run r1)*\nagent "ana" is limited until 2026-05-01T13:00:00.000Z: rate_limit_error: slow down',
  );
});
