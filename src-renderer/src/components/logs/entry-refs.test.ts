import { describe, expect, it } from 'vitest';
import type { AuditEntry, MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import type { RunRef } from './entry-refs.ts';
import {
  AUDIT_COLUMNS,
  auditRefs,
  candidateOfEntry,
  MEMORY_COLUMNS,
  memoryRefs,
  toCsv,
  toNdjson,
} from './entry-refs.ts';

const entry = (over: Partial<MemoryEntry>): MemoryEntry => ({
  id: 'm1',
  agent_id: 'orchestrator',
  type: 'build_log',
  content: {},
  tags: [],
  project_id: null,
  status: null,
  task_type: null,
  task_id: null,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  ...over,
});
const run: RunRef = { id: 'r1', plan_id: 'digest', memory_id: 'log-1' };
const byLog = new Map([[run.memory_id, run]]);
const byId = new Map([[run.id, run]]);

describe('where a build-log entry belongs', () => {
  it('takes a build log to the run that writes it, a result to its run and task', () => {
    expect(memoryRefs(entry({ id: 'log-1', tags: ['build_log', 'plan:digest'] }), byLog)).toEqual({
      plan: 'digest',
      run: 'r1',
      task: null,
    });
    const result = entry({
      type: 'task_result',
      task_id: 'send',
      tags: ['task_result', 'plan:digest', 'run:r2', 'agent:mailer'],
    });
    expect(memoryRefs(result, byLog)).toEqual({ plan: 'digest', run: 'r2', task: 'send' });
    // A build log no listed run points to names its plan alone; an agent's note names nothing.
    expect(memoryRefs(entry({ id: 'log-9', tags: ['build_log', 'plan:x'] }), byLog)).toEqual({
      plan: 'x',
      run: null,
      task: null,
    });
    expect(memoryRefs(entry({ type: 'note', task_id: 'x' }), byLog)).toEqual({
      plan: null,
      run: null,
      task: null,
    });
  });

  it("takes an audit entry to its run, the run's plan and its task", () => {
    const audit: AuditEntry = {
      id: 7,
      at: '2026-11-01T10:00:00Z',
      actor: 'orchestrator',
      entity: 'task',
      entity_id: 'send',
      run_id: 'r1',
      from_status: 'ready',
      to_status: 'in_progress',
      why: 'taken',
    };
    expect(auditRefs(audit, byId)).toEqual({ plan: 'digest', run: 'r1', task: 'send' });
    expect(auditRefs({ ...audit, entity: 'plan', entity_id: 'p', run_id: null }, byId)).toEqual({
      plan: 'p',
      run: null,
      task: null,
    });
  });
});

describe('exports', () => {
  it('writes NDJSON as one object a line', () => {
    const text = toNdjson([{ a: 1 }, { b: 'x\ny' }]);
    expect(text).toBe('{"a":1}\n{"b":"x\\ny"}\n');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ a: 1 }, { b: 'x\ny' }]);
  });

  it('writes CSV with a header, quoting commas, quotes and line breaks, content as JSON', () => {
    const csv = toCsv(MEMORY_COLUMNS(byLog), [
      entry({
        type: 'task_result',
        task_id: 'send',
        agent_id: 'mailer',
        tags: ['plan:digest', 'run:r1'],
        content: { text: 'said "hi", then\nleft' },
      }),
    ]);
    const [head, row] = csv.split('\r\n');
    expect(head).toBe('id,type,plan,run,task,agent,status,tags,written,updated,content');
    expect(row).toBe(
      'm1,task_result,digest,r1,send,mailer,,plan:digest run:r1,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z,' +
        '"{""text"":""said \\""hi\\"", then\\nleft""}"',
    );
    expect(toCsv(AUDIT_COLUMNS(byId), []).trimEnd()).toBe(
      'id,at,actor,entity,entity_id,plan,run,from,to,why,changes',
    );
  });
});

describe('the best-of candidate a search hit is of', () => {
  it('is read from a step, or from the line a candidate printed; none otherwise', () => {
    expect(
      candidateOfEntry(entry({ type: 'step', content: { run_id: 'r', step: { seq: 3, candidate: 2 } } })),
    ).toBe(2);
    expect(candidateOfEntry(entry({ type: 'step', content: { run_id: 'r', step: { seq: 3 } } }))).toBeNull();
    expect(
      candidateOfEntry(entry({ type: 'task_log', content: { text: 'candidate #3 (qwen-coder): npm test' } })),
    ).toBe(3);
    expect(candidateOfEntry(entry({ type: 'task_log', content: { text: 'npm test' } }))).toBeNull();
    expect(candidateOfEntry(entry({ type: 'task_result', content: 'x' }))).toBeNull();
  });
});
