import { useCallback, useEffect, useState } from 'react';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import type { EditorsOnHost, KeptWorktree } from '../../../../src-shared/schemas/worktrees.ts';
import { worktreesApi } from '../../api/worktrees.ts';
import { joinArgs, splitArgs } from '../../format/argv.ts';
import { useBaton } from '../../store/index.ts';
import { fieldErrorsOf } from '../reach/field-errors.ts';
import type { Column } from '../shared/DataTable.tsx';
import { DataTable } from '../shared/DataTable.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';

/** Bytes in the unit a person reads them in. */
export function sizeText(bytes: number | null): string {
  if (bytes === null) return 'gone';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Settings → Worktrees: which editor *Open in editor* starts (found on the PATH of the person who
 * started Baton, or a command of theirs with `{path}`), where worktrees' port blocks start, and
 * every worktree kept on disk after its run, with *Archive* (its folder goes, its branch stays).
 */
export function WorktreesPanel() {
  const fail = useBaton((s) => s.fail);
  const [kept, setKept] = useState<KeptWorktree[] | null>(null);
  const load = useCallback(() => {
    worktreesApi.list().then(setKept, (err: unknown) => {
      setKept([]);
      fail('Could not list the kept worktrees', err);
    });
  }, [fail]);
  useEffect(load, [load]);
  return (
    <>
      <EditorSettings />
      <section className="kept-worktrees" aria-label="Kept worktrees">
        <h2>Kept worktrees</h2>
        <p className="muted small intro">
          A coding task’s worktree is removed when its run ends, unless it was kept (Keep worktree on its
          task) or its work could not be committed. These are on disk now. Archive removes one: its branch and
          commits stay, and a new worktree can be made from them.
        </p>
        <DataTable
          label="Kept worktrees"
          className="kept-worktrees-table"
          columns={keptColumns(load)}
          rows={kept}
          rowKey={(k) => `${k.run_id}/${k.task_id}`}
          rowLabel={(k) => `Worktree ${k.task_id} of run ${k.run_id}`}
          empty={<p className="muted">No worktree is kept on disk.</p>}
        />
      </section>
    </>
  );
}

function keptColumns(reload: () => void): Column<KeptWorktree>[] {
  return [
    {
      id: 'task',
      header: 'Task',
      rowHeader: true,
      cell: (k) => (
        <>
          <RouteLink to={{ screen: 'run', runId: k.run_id, taskId: k.task_id }}>{k.task_id}</RouteLink>
          <div className="muted small">
            {k.plan_name ?? k.plan_id ?? 'a plan'} · run <code>{k.run_id}</code> ({k.run_status})
          </div>
        </>
      ),
    },
    {
      id: 'branch',
      header: 'Branch',
      cellClass: 'small',
      cell: (k) => (
        <>
          <code>{k.branch}</code>
          <div className="muted small worktree-path-cell" title={k.path}>
            {k.path}
          </div>
        </>
      ),
    },
    {
      id: 'size',
      header: 'Size',
      headerClass: 'num',
      cellClass: 'num nowrap',
      cell: (k) => sizeText(k.size_bytes),
    },
    {
      id: 'age',
      header: 'Kept since',
      cellClass: 'nowrap small',
      cell: (k) => <RelativeTime at={k.updated_at} />,
    },
    {
      id: 'ports',
      header: 'Ports',
      cellClass: 'nowrap small',
      cell: (k) => (k.ports ? `${k.ports.first}–${k.ports.first + k.ports.count - 1}` : '—'),
    },
    {
      id: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      cellClass: 'row-actions',
      cell: (k) => <ArchiveButton k={k} onDone={reload} />,
    },
  ];
}

/**
 * Archive after a yes; a worktree with uncommitted changes is refused by the host, naming them,
 * and asked about again: archived then, they are lost.
 */
function ArchiveButton({ k, onDone }: { k: KeptWorktree; onDone(): void }) {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [asking, setAsking] = useState<'first' | { dirty: string } | null>(null);
  const archive = (discard: boolean) =>
    worktreesApi.archive(k.run_id, k.task_id, discard).then(
      (r) => {
        setAsking(null);
        notify('info', `Archived the worktree of ${k.task_id}`, [`Its branch ${r.branch} stays.`]);
        onDone();
      },
      (err: unknown) => {
        if (
          err instanceof ContractError &&
          err.code === 'conflict' &&
          !discard &&
          /uncommitted/.test(err.message)
        )
          setAsking({ dirty: err.message });
        else {
          setAsking(null);
          fail(`The worktree of ${k.task_id} was not archived`, err);
        }
      },
    );
  if (asking === null)
    return (
      <button
        type="button"
        className="small"
        aria-label={`Archive ${k.task_id}`}
        onClick={() => setAsking('first')}
      >
        Archive
      </button>
    );
  const dirty = asking !== 'first';
  return (
    <fieldset className="archive-ask">
      <legend className="visually-hidden">Archive {k.task_id}?</legend>
      <p className="small">
        {dirty
          ? `${asking.dirty.charAt(0).toUpperCase()}${asking.dirty.slice(1).replace(/: commit them.*$/, '')}.`
          : `Remove the worktree of ${k.task_id}? Its branch ${k.branch} and its commits stay.`}
      </p>
      <div className="actions">
        <button
          type="button"
          className={dirty ? 'small danger' : 'small primary'}
          onClick={() => void archive(dirty)}
        >
          {dirty ? 'Archive and lose them' : 'Archive'}
        </button>
        <button type="button" className="small" onClick={() => setAsking(null)}>
          Keep it
        </button>
      </div>
    </fieldset>
  );
}

/** Which editor *Open in editor* starts, and where port blocks start. */
function EditorSettings() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [found, setFound] = useState<EditorsOnHost | null>(null);
  const [editor, setEditor] = useState('');
  const [command, setCommand] = useState('');
  const [base, setBase] = useState('');
  const [block, setBlock] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    worktreesApi.editors().then(
      (e) => {
        setFound(e);
        setEditor(e.settings.editor ?? '');
        setCommand(e.settings.custom_command ? joinArgs(e.settings.custom_command) : '');
        setBase(String(e.settings.port_base));
        setBlock(String(e.settings.port_block));
      },
      (err: unknown) => fail('Could not read the editors', err),
    );
  }, [fail]);
  if (!found) return <p className="muted">Loading…</p>;
  const save = () => {
    const words = command.trim() === '' ? { ok: true as const, args: [] } : splitArgs(command);
    if (!words.ok) return setErrors({ custom_command: words.error });
    worktreesApi
      .saveSettings({
        editor:
          editor === ''
            ? null
            : (found.editors.find((e) => e.id === editor)?.id ?? (editor === 'custom' ? 'custom' : null)),
        custom_command: words.args.length > 0 ? words.args : null,
        port_base: Number(base),
        port_block: Number(block),
      })
      .then(
        (s) => {
          setErrors({});
          setFound({ ...found, settings: s });
          notify('info', 'Saved the worktree settings');
        },
        (err: unknown) => setErrors(fieldErrorsOf(err)),
      );
  };
  const installed = found.editors.filter((e) => e.id !== 'custom' && e.program !== null);
  return (
    <FormPanel title="Open in editor, and ports" className="reach-form worktree-settings" onSubmit={save}>
      <p className="muted small">
        Editors found on the PATH of the person who started Baton, on <strong>{found.host}</strong>: the host
        starts the editor there (from a browser on another machine too), on the worktree’s folder, with that
        person’s environment.
        {installed.length === 0 && ' None of the known editors is installed there.'}
      </p>
      <div className="fields">
        <label>
          Editor
          <select value={editor} onChange={(e) => setEditor(e.target.value)} aria-label="Editor">
            <option value="">The first found{installed[0] ? ` (now ${installed[0].name})` : ''}</option>
            {found.editors
              .filter((e) => e.id !== 'custom')
              .map((e) => (
                <option key={e.id} value={e.id}>
                  {e.id === 'files' ? 'File manager' : e.name}
                  {e.program ? ` — ${e.program}` : ' (not installed)'}
                </option>
              ))}
            <option value="custom">A command of mine</option>
          </select>
          <span className="field-message">
            <span className="field-error">{errors.editor}</span>
          </span>
        </label>
        <InputField
          label="Your command"
          value={command}
          onChange={setCommand}
          placeholder="subl --new-window {path}"
          hint="The program and its arguments, run without a shell; {path} is where the worktree’s folder goes."
          error={errors.custom_command}
          reserveError
        />
        <InputField
          label="First port"
          value={base}
          onChange={setBase}
          hint="Each worktree gets a block from here: PORT, BATON_PORT, BATON_PORTS."
          error={errors.port_base}
          reserveError
        />
        <InputField
          label="Ports per worktree"
          value={block}
          onChange={setBlock}
          error={errors.port_block}
          reserveError
        />
      </div>
      <FormActions error={errors.form} busy={false} submit="Save" />
    </FormPanel>
  );
}
