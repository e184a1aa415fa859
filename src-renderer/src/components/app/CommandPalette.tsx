import { Command, defaultFilter } from 'cmdk';
import { useEffect, useMemo, useState } from 'react';
import { navigate } from '../../routes/history-sync.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import type { PaletteItem } from './palette-items.ts';
import { PALETTE_GROUPS, paletteItems, readRecent, recentItems, rememberRecent } from './palette-items.ts';

/** The most entries a group shows for a search (the best matches). */
const PER_GROUP = 8;
/** Before anything is typed: the actions and screens, what waits, and a few of each other group. */
const FIRST_SHOWN = {
  Recent: 5,
  Actions: 3,
  Screens: 20,
  'Waiting for you': 5,
  Plans: 5,
  Runs: 5,
  Agents: 5,
} as const;

/**
 * The entries shown for `search`: each group's best matches (cmdk's own scoring, over the label,
 * the detail and the words an entry is found by), best first; or, before anything is typed, the
 * first few of each. Filtered here rather than by cmdk, so a store of thousands of plans draws
 * only what is shown.
 */
function shownItems(items: readonly PaletteItem[], search: string, recent: readonly string[]): PaletteItem[] {
  const q = search.trim();
  if (q === '') {
    const seen = new Map<string, number>();
    return [...recentItems(items, recent), ...items].filter((i) => {
      const n = (seen.get(i.group) ?? 0) + 1;
      seen.set(i.group, n);
      return n <= FIRST_SHOWN[i.group];
    });
  }
  const scored = items
    .map((i) => ({ i, score: defaultFilter(i.label, q, [i.detail ?? '', ...(i.words ?? [])]) }))
    .filter((x) => x.score > 0);
  // A run older than those read (the newest 500) is still reached by its whole id.
  if (/^run-[0-9a-z]{6,}$/i.test(q) && !items.some((i) => i.id === `run:${q}`))
    scored.push({
      i: {
        id: `run:${q}`,
        group: 'Runs',
        label: q,
        detail: 'open the run with this id',
        action: { kind: 'go', route: { screen: 'run', runId: q, taskId: null } },
      },
      score: 1,
    });
  return PALETTE_GROUPS.flatMap((g) =>
    scored
      .filter((x) => x.i.group === g)
      .sort((a, b) => b.score - a.score)
      .slice(0, PER_GROUP)
      .map((x) => x.i),
  );
}

/**
 * Ctrl+K (⌘K on a Mac), anywhere: go to any screen, plan, run, agent or what waits for you, or
 * do something (a new plan, run a plan, say who you are, the keys), typed and picked with the
 * keyboard; what was chosen lately comes first (Recent, kept in the browser). cmdk (a maintained command menu for React) draws the list and moves in it; the dialog
 * is the app's own modal, as every dialog is.
 */
export function CommandPalette() {
  const open = useBaton((s) => s.overlay === 'palette');
  const setOverlay = useBaton((s) => s.setOverlay);
  const modal = useModal({
    open,
    onClose: () => setOverlay(null),
    initialFocus: (d) => d.querySelector<HTMLInputElement>('input'),
  });
  return (
    <Modal modal={modal} label="Command palette" className="dialog palette">
      {open && <PaletteBody onDone={modal.close} />}
    </Modal>
  );
}

function PaletteBody({ onDone }: { onDone: () => void }) {
  const plans = useBaton((s) => s.plans);
  const runs = useBaton((s) => s.allRuns);
  const agents = useBaton((s) => s.agents);
  const pending = useBaton((s) => s.pending);
  const loadAllRuns = useBaton((s) => s.loadAllRuns);
  const [search, setSearch] = useState('');
  useEffect(() => {
    if (runs === null) void loadAllRuns();
  }, [runs, loadAllRuns]);
  const items = useMemo(() => paletteItems({ plans, runs, agents, pending }), [plans, runs, agents, pending]);
  const [recent] = useState(() => readRecent(globalThis.localStorage));
  const shown = useMemo(() => shownItems(items, search, recent), [items, search, recent]);
  // The best match is chosen as the search changes (cmdk chooses only among what it filters itself).
  const [chosen, setChosen] = useState('');
  const first = shown[0]?.id ?? '';
  useEffect(() => setChosen(first), [first]);
  const choose = (item: PaletteItem) => {
    onDone();
    rememberRecent(globalThis.localStorage, item.id.replace(/^recent:/, ''));
    const s = useBaton.getState();
    const a = item.action;
    switch (a.kind) {
      case 'go':
        return void navigate(a.route);
      case 'new-plan':
        return s.setNewPlanOpen(true);
      case 'start-run':
        return void s.startRun(a.planId);
      case 'identity':
        return s.changeIdentity();
      case 'keys':
        return s.setOverlay('keys');
    }
  };
  return (
    <Command label="Command palette" shouldFilter={false} loop value={chosen} onValueChange={setChosen}>
      <Command.Input
        className="palette-input"
        value={search}
        onValueChange={setSearch}
        placeholder="Go to a screen, plan, run or agent, or do something…"
      />
      <Command.List className="palette-list">
        <Command.Empty className="muted small palette-empty">Nothing matches “{search}”.</Command.Empty>
        {PALETTE_GROUPS.map((g) => {
          const of = shown.filter((i) => i.group === g);
          if (of.length === 0) return null;
          return (
            <Command.Group key={g} heading={g}>
              {of.map((i) => (
                <Command.Item key={i.id} value={i.id} onSelect={() => choose(i)} className="palette-item">
                  <span>{i.label}</span>
                  {i.detail && <span className="muted small">{i.detail}</span>}
                </Command.Item>
              ))}
            </Command.Group>
          );
        })}
      </Command.List>
      <p className="muted small palette-foot">
        <kbd>↑</kbd> <kbd>↓</kbd> choose · <kbd>Enter</kbd> go · <kbd>Esc</kbd> close
      </p>
    </Command>
  );
}
