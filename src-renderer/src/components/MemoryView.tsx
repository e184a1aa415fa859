import { useEffect, useState } from 'react';
import { useBaton } from '../store/index.ts';

/** Memory entries (build logs) with full-text search. */
export function MemoryView() {
  const hits = useBaton((s) => s.memoryHits);
  const loading = useBaton((s) => s.memoryLoading);
  const search = useBaton((s) => s.searchMemory);
  const [query, setQuery] = useState(useBaton.getState().memoryQuery);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const t = setTimeout(() => void search(query), 150);
    return () => clearTimeout(t);
  }, [query, search]);

  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Build logs</h1>
          <p className="muted small">
            Every run writes a build_log memory entry: what was delegated, to whom, and what was not.
          </p>
        </div>
        <input
          type="search"
          placeholder="Search memory…"
          aria-label="Search memory"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </header>
      {hits.length === 0 && !loading ? (
        <p className="empty muted">
          {query ? `Nothing matches “${query}”.` : 'No memory entries yet. Run a plan to write one.'}
        </p>
      ) : (
        <ul className="memory-list" aria-label="Memory entries">
          {hits.map(({ entry, snippet }) => (
            <li key={entry.id}>
              <button
                type="button"
                className="memory-item"
                aria-expanded={open === entry.id}
                onClick={() => setOpen(open === entry.id ? null : entry.id)}
              >
                <span className="pill">{entry.type}</span> <code>{entry.id}</code>{' '}
                <span className="muted small">
                  {entry.tags.join(' · ')} · {entry.status} · {new Date(entry.updated_at).toLocaleString()}
                </span>
                {snippet && <div className="small snippet">{highlight(snippet)}</div>}
              </button>
              {open === entry.id && <pre>{JSON.stringify(entry, null, 2)}</pre>}
            </li>
          ))}
        </ul>
      )}
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
