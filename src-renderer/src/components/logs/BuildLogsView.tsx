import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry, MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import { AUDIT_LIST_LIMIT, MEMORY_LIST_LIMIT } from '../../api/client.ts';
import { downloadJson } from '../../designer/download.ts';
import { filtersAudit, matchesAudit } from '../../store/audit-filter.ts';
import { useBaton } from '../../store/index.ts';
import { Tabs } from '../shared/Tabs.tsx';
import { AuditFilters, MemoryFilters } from './LogFilters.tsx';

type Tab = 'memory' | 'audit';
/** How many entries a list shows at most (the API client's limits): past that, the newest. */
const LIST_LIMIT: Record<Tab, number> = { memory: MEMORY_LIST_LIMIT, audit: AUDIT_LIST_LIMIT };

/** Memory (build logs, task results, decisions) and the audit log: search, filter, read, export. */
export function BuildLogsView() {
  const hits = useBaton((s) => s.memoryHits);
  const memoryLoading = useBaton((s) => s.memoryLoading);
  const auditLoading = useBaton((s) => s.auditLoading);
  const search = useBaton((s) => s.searchMemory);
  const auditListed = useBaton((s) => s.auditEntries);
  const auditFilter = useBaton((s) => s.auditFilter);
  // The newest entries (or those found), narrowed by the filters.
  const audit = useMemo(
    () => (filtersAudit(auditFilter) ? auditListed.filter((e) => matchesAudit(e, auditFilter)) : auditListed),
    [auditListed, auditFilter],
  );
  const searchAudit = useBaton((s) => s.searchAudit);
  const [tab, setTab] = useState<Tab>('memory');
  const [query, setQuery] = useState(useBaton.getState().memoryQuery);
  // Each tab keeps its own open entry: the audit log never shows a memory entry opened before.
  const [opened, setOpened] = useState<{ memory: MemoryEntry | null; audit: AuditEntry | null }>({
    memory: null,
    audit: null,
  });
  const open = opened[tab];
  const loading = tab === 'memory' ? memoryLoading : auditLoading;

  useEffect(() => {
    const t = setTimeout(() => {
      if (tab === 'memory') void search(query);
      else void searchAudit(query);
    }, 150);
    return () => clearTimeout(t);
  }, [query, search, tab, searchAudit]);

  const rows = tab === 'memory' ? hits.length : audit.length;
  // Entries are new objects after every search: the open one (of this tab's kind) is known by its id.
  const isOpen = (e: MemoryEntry | AuditEntry) => open?.id === e.id;
  const openListed =
    open !== null && (tab === 'memory' ? hits.some((h) => isOpen(h.entry)) : audit.some((e) => isOpen(e)));
  return (
    <div className="plan-view">
      <header className="plan-head">
        <div>
          <h1>Build logs</h1>
          <p className="muted small">
            Every run writes a build_log; tasks write results, deciders their decisions, every change an audit
            entry.
          </p>
        </div>
        <div className="actions">
          <input
            type="search"
            placeholder="Search…"
            aria-label="Search memory"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button
            type="button"
            onClick={() =>
              downloadJson(`baton-${tab}.json`, tab === 'memory' ? hits.map((h) => h.entry) : audit)
            }
            disabled={rows === 0}
          >
            Export JSON
          </button>
        </div>
      </header>
      <fieldset className="filters" aria-label="Filters">
        <Tabs
          label="Entries"
          value={tab}
          onChange={setTab}
          items={[
            { id: 'memory', label: 'Memory' },
            { id: 'audit', label: 'Audit log' },
          ]}
        />
        {tab === 'memory' ? <MemoryFilters /> : <AuditFilters />}
        <span className="muted small">
          {loading
            ? 'Searching…'
            : tab === 'audit' && filtersAudit(auditFilter)
              ? `${rows} of ${auditListed.length >= AUDIT_LIST_LIMIT ? 'the newest ' : ''}${entries(auditListed.length)}`
              : rows >= LIST_LIMIT[tab]
                ? `the newest ${rows} entries: search or filter to narrow them`
                : entries(rows)}
        </span>
      </fieldset>
      <div className="plan-body">
        {rows === 0 && !loading ? (
          <p className="empty muted">
            {query ? `Nothing matches “${query}”.` : 'No entries yet. Run a plan to write some.'}
          </p>
        ) : (
          <ResultList
            count={rows}
            label={tab === 'memory' ? 'Memory entries' : 'Audit entries'}
            render={(i) => {
              if (tab === 'memory') {
                const { entry, snippet } = hits[i]!;
                return (
                  <button
                    type="button"
                    className={`memory-item${isOpen(entry) ? ' active' : ''}`}
                    aria-current={isOpen(entry) || undefined}
                    onClick={() => setOpened((o) => ({ ...o, memory: entry }))}
                  >
                    <span className="pill">{entry.type}</span> <code>{entry.id}</code>{' '}
                    <span className="muted small">{memoryLine(entry)}</span>
                    {snippet && <div className="small snippet">{highlight(snippet)}</div>}
                  </button>
                );
              }
              const e = audit[i]!;
              return (
                <button
                  type="button"
                  className={`memory-item${isOpen(e) ? ' active' : ''}`}
                  aria-current={isOpen(e) || undefined}
                  onClick={() => setOpened((o) => ({ ...o, audit: e }))}
                >
                  <span className="pill">{e.entity}</span> <code>{e.entity_id}</code>{' '}
                  <span className="small">
                    {e.from_status ?? '—'} → {e.to_status ?? '—'}
                  </span>{' '}
                  <span className="muted small">
                    by {e.actor} · {new Date(e.at).toLocaleString()}
                  </span>
                  <div className="small snippet">{e.why}</div>
                </button>
              );
            }}
          />
        )}
        <aside className="run-panel" aria-label="Entry">
          {open ? (
            <section aria-label="Entry JSON">
              {!openListed && !loading && (
                <p className="muted small">Not among the entries listed now (search or filters changed).</p>
              )}
              <pre>{JSON.stringify(open, null, 2)}</pre>
            </section>
          ) : (
            <p className="muted">Select an entry to read it.</p>
          )}
        </aside>
      </div>
    </div>
  );
}

const ITEM = 64;

const entries = (n: number) => `${n} entr${n === 1 ? 'y' : 'ies'}`;

/**
 * A memory entry's line: its agent, tags and status, and when it was written (the list's order,
 * newest first), with when it was last updated when that was later.
 */
function memoryLine(entry: MemoryEntry): string {
  const written = new Date(entry.created_at).toLocaleString();
  const updated = new Date(entry.updated_at).toLocaleString();
  return [
    entry.agent_id,
    ...entry.tags,
    entry.status,
    `written ${written}`,
    updated !== written ? `updated ${updated}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function ResultList({
  count,
  label,
  render,
}: {
  count: number;
  label: string;
  render(i: number): React.ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ITEM,
    overscan: 10,
  });
  return (
    <div ref={scroller} className="result-scroller">
      <ul
        className="memory-list"
        aria-label={label}
        style={{ height: rows.getTotalSize(), position: 'relative' }}
      >
        {rows.getVirtualItems().map((v) => (
          <li
            key={v.key}
            ref={rows.measureElement}
            data-index={v.index}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
          >
            {render(v.index)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function highlight(snippet: string) {
  return snippet.split(/(\[\[.*?\]\])/g).map((part, i) =>
    part.startsWith('[[') ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: static split of one string
      <mark key={i}>{part.slice(2, -2)}</mark>
    ) : (
      part
    ),
  );
}
