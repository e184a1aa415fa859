import { useState } from 'react';
import type { Editor } from '../../../../../src-shared/contract/domains/workspaces.ts';
import { EDITORS } from '../../../../../src-shared/contract/domains/workspaces.ts';
import { api } from '../../../api/client.ts';
import { EDITOR_NAMES, editorLink } from '../../../coding/work-place.ts';
import { useBaton } from '../../../store/index.ts';

const EDITOR_KEY = 'baton.editor';

/** The editor chosen last in this browser (VS Code at first). */
function savedEditor(): Editor {
  const saved = globalThis.localStorage?.getItem(EDITOR_KEY);
  return EDITORS.find((e) => e === saved) ?? 'vscode';
}

/**
 * Open in an editor, the editor picked beside it (kept in the browser). In the desktop app the
 * main process starts it on the task's worktree, found from the task's ids (a page cannot name a
 * folder); in a browser, the editor's own link opens it (`vscode://file/…`), as Conductor's do.
 */
export function OpenInEditor({ runId, taskId, folder }: { runId: string; taskId: string; folder: string }) {
  const fail = useBaton((s) => s.fail);
  const [editor, setEditor] = useState(savedEditor);
  const name = EDITOR_NAMES[editor];
  const pick = (e: Editor) => {
    setEditor(e);
    try {
      globalThis.localStorage?.setItem(EDITOR_KEY, e);
    } catch {
      // storage refused: the choice lasts this page
    }
  };
  const desktop = typeof window !== 'undefined' && window.baton !== undefined;
  return (
    <span className="open-in-editor">
      {desktop ? (
        <button
          type="button"
          className="small"
          onClick={() =>
            void api
              .openInEditor({ editor, run_id: runId, task_id: taskId })
              .catch((err: unknown) => fail(`${name} did not open`, err))
          }
        >
          Open in {name}
        </button>
      ) : (
        <a
          className="button small"
          href={editorLink(folder, editor)}
          title={`Opens the folder in ${name}, when it is installed`}
        >
          Open in {name}
        </a>
      )}
      <select
        aria-label="Editor"
        value={editor}
        onChange={(e) => pick(EDITORS.find((x) => x === e.target.value) ?? 'vscode')}
      >
        {EDITORS.map((e) => (
          <option key={e} value={e}>
            {EDITOR_NAMES[e]}
          </option>
        ))}
      </select>
    </span>
  );
}
