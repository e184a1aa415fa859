import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry, MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import { AUDIT_LIST_LIMIT, MEMORY_LIST_LIMIT } from '../../api/client.ts';
import { downloadJson, downloadText } from '../../designer/download.ts';
import { filtersAudit, matchesAudit } from '../../store/audit-filter.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { AuditEntryView, EntryLinks, MemoryEntryView } from './EntryView.tsx';
import type { RunRef } from './entry-refs.ts';
import { AUDIT_COLUMNS, auditRefs, MEMORY_COLUMNS, memoryRefs, toCsv, toNdjson } from './entry-refs.ts';
import { AuditFilters, MemoryFilters } from './LogFilters.tsx';
import { emptyLogText } from './log-empty.ts';
import { MemoryHitRow, RefColumns } from './MemoryHitRow.tsx';

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
  // The runs, to link an entry to its run and plan (a build log is known by the run that writes it).
  const allRuns = useBaton((s) => s.allRuns);
  const loadAllRuns = useBaton((s) => s.loadAllRuns);
  useEffect(() => {
    if (useBaton.getState().allRuns === null) void loadAllRuns();
  }, [loadAllRuns]);
  const { runsByLog, runsById } = useMemo(() => {
    const refs: RunRef[] = allRuns ?? [];
    return {
      runsByLog: new Map(refs.map((r) => [r.memory_id, r])),
      runsById: new Map(refs.map((r) => [r.id, r])),
    };
  }, [allRuns]);
  // The tab and the search are the store's (the address names them); the box holds what is
  // typed until it is searched.
  const tab = useBaton((s) => s.logsTab);
  const setTab = useBaton((s) => s.setLogsTab);
  const searched = useBaton((s) => (s.logsTab === 'memory' ? s.memoryQuery : s.auditQuery));
  const [query, setQuery] = useState(searched);
  // A search made elsewhere (an address opened, Back) shows in the box; a tab changed keeps what
  // was typed, which then searches that tab.
  const tabSearched = useRef(tab);
  useEffect(() => {
    if (tabSearched.current === tab) setQuery(searched);
    tabSearched.current = tab;
  }, [searched, tab]);
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
      <ScreenHead
        title="Build logs"
        about="Every run writes a build_log; tasks write results, deciders their decisions, every change an audit entry. A search finds what tasks printed and their agents’ steps too."
      >
        <div className="actions">
          <input
            type="search"
            placeholder="Search…"
            aria-label="Search memory"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <fieldset className="export-group" aria-label="Export">
            <legend className="muted small">Export</legend>
            {(['json', 'ndjson', 'csv'] as const).map((format) => (
              <button
                key={format}
                type="button"
                disabled={rows === 0}
                aria-label={`Export ${format.toUpperCase()}`}
                onClick={() => {
                  const name = `baton-${tab === 'memory' ? 'memory' : 'audit'}.${format}`;
                  const list = tab === 'memory' ? hits.map((h) => h.entry) : audit;
                  if (format === 'json') downloadJson(name, list);
                  else if (format === 'ndjson') downloadText(name, toNdjson(list), 'application/x-ndjson');
                  else
                    downloadText(
                      name,
                      tab === 'memory'
                        ? toCsv(
                            MEMORY_COLUMNS(runsByLog),
                            hits.map((h) => h.entry),
                          )
                        : toCsv(AUDIT_COLUMNS(runsById), audit),
                      'text/csv',
                    );
                }}
              >
                {format.toUpperCase()}
              </button>
            ))}
          </fieldset>
        </div>
      </ScreenHead>
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
          <EmptyList tab={tab} query={searched} />
        ) : (
          <ResultList
            count={rows}
            label={tab === 'memory' ? 'Memory entries' : 'Audit entries'}
            render={(i) => {
              if (tab === 'memory') {
                const { entry, snippet } = hits[i]!;
                const refs = memoryRefs(entry, runsByLog);
                return (
                  <MemoryHitRow
                    entry={entry}
                    snippet={snippet}
                    refs={refs}
                    run={refs.run ? allRuns?.find((r) => r.id === refs.run) : undefined}
                    open={isOpen(entry)}
                    onOpen={() => setOpened((o) => ({ ...o, memory: entry }))}
                  />
                );
              }
              const e = audit[i]!;
              const refs = auditRefs(e, runsById);
              return (
                <div className="memory-row">
                  <button
                    type="button"
                    className={`memory-item${isOpen(e) ? ' active' : ''}`}
                    aria-current={isOpen(e) || undefined}
                    onClick={() => setOpened((o) => ({ ...o, audit: e }))}
                  >
                    <span className="pill">{e.entity}</span> <code>{e.entity_id}</code>{' '}
                    <span className="small">
                      {e.from_status === null
                        ? (e.to_status ?? '—')
                        : `${e.from_status} → ${e.to_status ?? '—'}`}
                    </span>{' '}
                    <span className="muted small">
                      by {e.actor} · <RelativeTime at={e.at} />
                    </span>
                    <RefColumns refs={refs} />
                    <div className="small snippet">{e.why}</div>
                  </button>
                  <EntryLinks refs={refs} compact />
                </div>
              );
            }}
          />
        )}
        <aside className="run-panel" aria-label="Entry">
          {opened.memory && tab === 'memory' ? (
            <MemoryEntryView
              entry={opened.memory}
              refs={memoryRefs(opened.memory, runsByLog)}
              note={!openListed && !loading && <NotListed />}
            />
          ) : opened.audit && tab === 'audit' ? (
            <AuditEntryView
              entry={opened.audit}
              refs={auditRefs(opened.audit, runsById)}
              note={!openListed && !loading && <NotListed />}
            />
          ) : (
            <p className="muted">Select an entry to read it.</p>
          )}
        </aside>
      </div>
    </div>
  );
}

const ITEM = 64;

/** An empty list says why (log-empty.ts), with the way to clear the filters that emptied it. */
function EmptyList({ tab, query }: { tab: Tab; query: string }) {
  const auditFilter = useBaton((s) => s.auditFilter);
  const memoryFilter = useBaton((s) => s.memoryFilter);
  const setAuditFilter = useBaton((s) => s.setAuditFilter);
  const setMemoryFilter = useBaton((s) => s.setMemoryFilter);
  const filtered =
    tab === 'audit'
      ? filtersAudit(auditFilter)
      : Object.values(memoryFilter).some((v) => v !== undefined && v !== '');
  const { text, clear } = emptyLogText(tab, query, filtered);
  return (
    <p className="empty muted">
      {text}{' '}
      {clear && (
        <button
          type="button"
          className="link"
          onClick={() => (tab === 'audit' ? setAuditFilter({}) : setMemoryFilter({}))}
        >
          Clear the filters
        </button>
      )}
    </p>
  );
}

const NotListed = () => (
  <p className="muted small">Not among the entries listed now (search or filters changed).</p>
);

/** The plan, run and task columns of a row, those it has. */
const entries = (n: number) => `${n} entr${n === 1 ? 'y' : 'ies'}`;

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
