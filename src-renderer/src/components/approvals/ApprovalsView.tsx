import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PreparedContext, PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { TaskRun, TaskStatus } from '../../../../src-shared/schemas/run.ts';
import type { HandedFile } from '../../api/client.ts';
import { api } from '../../api/client.ts';
import { cut } from '../../format/cut.ts';
import { useBaton } from '../../store/index.ts';
import { actorOf } from '../../store/runs.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { taskKey } from '../shared/task-key.ts';

const KIND_LABEL = {
  approval_required: 'Approval required',
  budget: 'Over budget',
  escalation: 'Escalated by the decider',
  diff_review: 'Diff to review',
} as const;

/** Every pending approval across runs, and the tasks waiting for a person ("my tasks"). */
export function ApprovalsView() {
  const pending = useBaton((s) => s.pending);
  const actor = useBaton((s) => s.actor);
  const setActor = useBaton((s) => s.setActor);
  const loadApprovals = useBaton((s) => s.loadApprovals);
  useEffect(() => {
    void loadApprovals();
  }, [loadApprovals]);
  const focus = useFocusAfterRemoval(useMemo(() => pending.map((a) => a.id), [pending]));
  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Approvals</h1>
          <p className="muted small">
            Tasks wait here for a decision; other branches keep running meanwhile.
          </p>
        </div>
        <label className="small">
          Deciding as{' '}
          <input
            type="text"
            value={actor}
            aria-label="Your name"
            onChange={(e) => setActor(e.target.value)}
          />
        </label>
      </header>
      <section className="inbox" aria-label="Pending approvals">
        <h2 ref={focus.heading} tabIndex={-1}>
          Waiting for a decision ({pending.length})
        </h2>
        {pending.length === 0 ? (
          <p className="muted">
            Nothing waits for a decision. Tasks with “requires approval”, over budget, or escalated by a
            decider appear here.
          </p>
        ) : (
          <ul className="cards" ref={focus.list}>
            {pending.map((a) => (
              <ApprovalCard key={a.id} approval={a} onDecide={focus.removing} />
            ))}
          </ul>
        )}
      </section>
      <MyTasks />
    </div>
  );
}

/**
 * A card that leaves its list (an approval decided, a task completed) would take the focus with
 * it: the focus goes to the card that took its place (the next, else the one before), or to the
 * heading when none is left.
 */
function useFocusAfterRemoval(ids: string[]) {
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const removed = useRef<{ id: string; index: number } | null>(null);
  useEffect(() => {
    const d = removed.current;
    if (!d || ids.includes(d.id)) return;
    removed.current = null;
    // Only when the focus went with the card, not when the person has moved on meanwhile.
    if (document.activeElement && document.activeElement !== document.body) return;
    const cards = list.current?.querySelectorAll<HTMLElement>(':scope > li') ?? [];
    (cards[Math.min(d.index, cards.length - 1)] ?? heading.current)?.focus();
  }, [ids]);
  const removing = (id: string) => {
    removed.current = { id, index: ids.indexOf(id) };
  };
  return { heading, list, removing };
}

function ApprovalCard({ approval: a, onDecide }: { approval: ApprovalView; onDecide(id: string): void }) {
  const decide = useBaton((s) => s.decide);
  const selectPlan = useBaton((s) => s.selectPlan);
  const actor = useBaton(actorOf);
  const [comment, setComment] = useState('');
  const answer = (approve: boolean) => {
    onDecide(a.id);
    void decide(a.id, approve, comment);
  };
  return (
    <li className="card" aria-label={`Approval for ${a.task_id}`} tabIndex={-1}>
      <div className="card-head">
        <strong>{a.task_id}</strong>
        <span
          className={`pill ${a.kind === 'approval_required' ? 'status-awaiting_approval' : 'status-failed'}`}
        >
          {KIND_LABEL[a.kind]}
        </span>
      </div>
      {a.task_description && <p>{a.task_description}</p>}
      {a.kind === 'escalation' ? (
        <p className="small muted">
          Approve to acknowledge it and let the run go on, or reject it; either way the failed task stays
          failed and the run ends failed. To try again, re-run from that task in the run view.
        </p>
      ) : (
        <p className="small">
          <span className="muted">Why:</span> {a.reason}
        </p>
      )}
      <BuildsOn taskId={a.task_id} dependencies={a.dependencies} open={a.dependencies.length <= 3} />
      <p className="small muted">
        plan{' '}
        {a.plan_id ? (
          <button type="button" className="link" onClick={() => a.plan_id && selectPlan(a.plan_id)}>
            {a.plan_id}
          </button>
        ) : (
          '?'
        )}{' '}
        · run <code>{a.run_id}</code>
        {a.cost > 0 && ` · cost ${a.cost}`} · asked {new Date(a.requested_at).toLocaleString()}
      </p>
      <label className="small">
        Comment
        <textarea
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-label={`Comment on ${a.task_id}`}
        />
      </label>
      <div className="actions">
        {/* Rejecting skips a branch of the run: it asks first, as cancelling does, and offers a comment. */}
        <ConfirmButton
          label="Reject"
          question={`Reject ${a.task_id}?`}
          detail={
            a.kind === 'escalation'
              ? `The failed task stays failed and the run ends failed. The audit log records it as rejected by ${actor}.`
              : `${a.task_id} and the tasks that depend on it are skipped; the run's other branches go on. The audit log records it as rejected by ${actor}.`
          }
          yes={`Reject ${a.task_id}`}
          no="Keep it waiting"
          danger
          onConfirm={() => answer(false)}
        >
          <label className="small">
            Comment (optional)
            <textarea
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              aria-label={`Why reject ${a.task_id} (optional)`}
            />
          </label>
        </ConfirmButton>
        <button type="button" className="primary" onClick={() => answer(true)}>
          Approve
        </button>
      </div>
    </li>
  );
}

/** Tasks assigned to human agents: take one, then complete it with an answer, or fail it. */
function MyTasks() {
  const humans = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human')));
  const humanAgentId = useBaton((s) => s.humanAgentId);
  const setHumanAgent = useBaton((s) => s.setHumanAgent);
  const inbox = useBaton((s) => s.inbox);
  const loadInbox = useBaton((s) => s.loadInbox);
  useEffect(() => {
    void loadInbox();
  }, [loadInbox]);
  const keys = useMemo(() => [...inbox.in_progress, ...inbox.ready].map(taskKey), [inbox]);
  const focus = useFocusAfterRemoval(keys);
  if (humans.length === 0) {
    return (
      <section className="inbox" aria-label="My tasks">
        <h2>My tasks</h2>
        <p className="muted">Register an agent of kind “human” to receive tasks here.</p>
      </section>
    );
  }
  return (
    <section className="inbox" aria-label="My tasks">
      <h2 ref={focus.heading} tabIndex={-1}>
        My tasks{' '}
        <select
          aria-label="I am"
          value={humanAgentId ?? ''}
          onChange={(e) => setHumanAgent(e.target.value || null)}
        >
          <option value="">choose who you are…</option>
          {humans.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name ?? h.id}
            </option>
          ))}
        </select>
      </h2>
      {humanAgentId && inbox.ready.length === 0 && inbox.in_progress.length === 0 && (
        <p className="muted">No tasks for {humanAgentId} right now.</p>
      )}
      <ul className="cards" ref={focus.list}>
        {inbox.in_progress.map((t) => (
          <HeldTask key={taskKey(t)} task={t} onFinish={focus.removing} />
        ))}
        {inbox.ready.map((t) => (
          <ReadyTask key={taskKey(t)} task={t} />
        ))}
      </ul>
    </section>
  );
}

function ReadyTask({ task }: { task: PulledTask }) {
  const take = useBaton((s) => s.takeTask);
  return (
    <li className="card" aria-label={`Task ${task.task_id} to take`} tabIndex={-1}>
      <div className="card-head">
        <strong>{task.task_id}</strong>
        <span className="pill status-ready">{task.priority}</span>
      </div>
      <p>{task.description}</p>
      <p className="small muted">
        plan {task.plan_id} · run <code>{task.run_id}</code>
        {task.deadline && ` · due ${new Date(task.deadline).toLocaleString()}`}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => take(task)}>
          Take it
        </button>
      </div>
    </li>
  );
}

function HeldTask({ task, onFinish }: { task: TaskRun; onFinish(key: string): void }) {
  const finish = useBaton((s) => s.finishTask);
  const fail = useBaton((s) => s.fail);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // What the person needs to do the task: the task itself and what its dependencies produced.
  const [context, setContext] = useState<PreparedContext | null>(null);
  useEffect(() => {
    if (!task.agent_id) return;
    api
      .taskContext(task.agent_id, task.run_id, task.task_id)
      .then(setContext, (err) => fail(`Could not load what ${task.task_id} builds on`, err));
  }, [task.agent_id, task.run_id, task.task_id, fail]);
  const spec = context?.task;
  return (
    <li className="card" aria-label={`Task ${task.task_id} in progress`} tabIndex={-1}>
      <div className="card-head">
        <strong>{task.task_id}</strong>
        <span className="pill status-in_progress">In progress</span>
      </div>
      {spec && (
        <>
          <p>{spec.description}</p>
          <p className="small muted">
            plan {context.run.plan_id} · run <code>{task.run_id}</code> · {spec.priority}
            {spec.deadline && ` · due ${new Date(spec.deadline).toLocaleString()}`}
          </p>
          <BuildsOn taskId={task.task_id} dependencies={context.dependencies} />
        </>
      )}
      <label className="small">
        Your answer
        <textarea
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={`Answer for ${task.task_id}`}
        />
      </label>
      <label className="small">
        Files (they become the task's artifacts, handed to what depends on it)
        <input
          type="file"
          multiple
          aria-label={`Files for ${task.task_id}`}
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </label>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            onFinish(taskKey(task));
            void finish(task, false, text);
          }}
        >
          Fail
        </button>
        <button
          type="button"
          className="primary"
          onClick={() =>
            void readFiles(files).then(
              (read) => {
                onFinish(taskKey(task));
                return finish(task, true, text, read);
              },
              (err) => fail('Could not read the files', err),
            )
          }
        >
          Complete
        </button>
      </div>
    </li>
  );
}

/** Files picked in the browser as the contract's `files` (base64: any kind of file). */
async function readFiles(files: File[]): Promise<HandedFile[]> {
  return Promise.all(
    files.map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { name: f.name, content: btoa(binary), encoding: 'base64' as const };
    }),
  );
}

/** What a task builds on: its dependencies in the run, each with its status and output in one line. */
function BuildsOn({
  taskId,
  dependencies,
  open,
}: {
  taskId: string;
  dependencies: readonly { task_id: string; status: TaskStatus; output: unknown }[];
  /** Opened at first (a short list); closed by default. */
  open?: boolean;
}) {
  if (dependencies.length === 0) return null;
  return (
    <details className="small" open={open}>
      <summary>What it builds on ({dependencies.length})</summary>
      <ul aria-label={`Dependencies of ${taskId}`}>
        {dependencies.map((d) => (
          <li key={d.task_id}>
            <code>{d.task_id}</code> ({d.status}): {brief(d.output)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A dependency's output in one line. */
function brief(output: unknown): string {
  if (output === null || output === undefined) return 'no output';
  return cut(typeof output === 'string' ? output : JSON.stringify(output), 200, 200);
}
