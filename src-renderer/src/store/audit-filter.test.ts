import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import { filtersAudit, matchesAudit } from './audit-filter.ts';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: '2026-03-01T10:00:00.000Z',
  actor: 'Maria Lopez',
  entity: 'approval',
  entity_id: 'a-1',
  run_id: 'r',
  from_status: 'pending',
  to_status: 'approved',
  why: 'approved',
  ...over,
});

describe('the audit filter', () => {
  it('keeps entries about one kind of thing, by part of who, in a time window (edges included)', () => {
    const e = entry({});
    expect(matchesAudit(e, {})).toBe(true);
    expect(matchesAudit(e, { entity: 'approval' })).toBe(true);
    expect(matchesAudit(e, { entity: 'run' })).toBe(false);
    expect(matchesAudit(e, { actor: 'LOPEZ' })).toBe(true);
    expect(matchesAudit(e, { actor: 'engine' })).toBe(false);
    expect(matchesAudit(e, { since: e.at, until: e.at })).toBe(true);
    expect(matchesAudit(e, { since: '2026-03-01T10:00:00.001Z' })).toBe(false);
    expect(matchesAudit(e, { until: '2026-03-01T09:59:59.999Z' })).toBe(false);
    expect(matchesAudit(e, { entity: 'approval', actor: 'maria', since: '2026-01-01T00:00:00.000Z' })).toBe(
      true,
    );
  });

  it('says whether anything is filtered', () => {
    expect(filtersAudit({})).toBe(false);
    expect(filtersAudit({ actor: '' })).toBe(false);
    expect(filtersAudit({ entity: 'task' })).toBe(true);
  });
});
