import type { KeyboardEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type { MessageHow } from '../../../../../src-shared/steering.ts';
import { api } from '../../../api/client.ts';
import { errorText } from '../../../api/errors.ts';
import { useBaton } from '../../../store/index.ts';
import { stepsKey } from '../../../store/steps.ts';

/** How long the answer to a message ("ACP agent: queued for the next turn") stays under the box. */
const ANSWER_SHOWN_MS = 6_000;

/**
 * A message box to the task's running agent (`runs.say`), shown only while its attempt listens
 * (`runs.listening`, asked when the panel opens, when the task's status or attempt changes and
 * when its first step arrives), with a line saying how the words will reach it. Enter sends,
 * Shift+Enter is a new line. The message shows in the steps with the person's name.
 */
export function SayToAgent({ task }: { task: TaskRun }) {
  const [how, askAgain] = useListening(task);
  const requireIdentity = useBaton((s) => s.requireIdentity);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (answer === null) return;
    const t = setTimeout(() => setAnswer(null), ANSWER_SHOWN_MS);
    return () => clearTimeout(t);
  }, [answer]);
  // A refusal stays with the words typed until the task moves on, saying why.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new status or attempt starts afresh
  useEffect(() => setError(null), [task.status, task.attempt]);
  if (!how && error === null) return null;
  const send = async () => {
    const words = text.trim();
    if (!words || sending || !how) return;
    const me = await requireIdentity(`Saying something to ${task.task_id}`);
    if (!me) return;
    setSending(true);
    setError(null);
    try {
      const said = await api.say(task.run_id, task.task_id, words, me.name);
      setText('');
      setAnswer(`Sent. ${said.says}.`);
    } catch (err) {
      setAnswer(null);
      setError(errorText(err));
      askAgain();
    } finally {
      setSending(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void send();
  };
  const id = `say-${task.task_id}`;
  return (
    <form
      className="say-to-agent"
      aria-label={`Say to ${task.task_id}'s agent`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="say-row">
        <textarea
          id={id}
          aria-label="Say to the agent"
          aria-describedby={`${id}-how`}
          placeholder="Say to the agent…"
          rows={2}
          maxLength={20_000}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" disabled={!how || sending || text.trim() === ''}>
          Send
        </button>
      </div>
      <p className="muted small say-note" id={`${id}-how`}>
        {how
          ? `${how.says}. Enter sends, Shift+Enter starts a new line.`
          : 'Its agent takes no messages now.'}
      </p>
      <p className="small say-note say-answer" role="status" hidden={answer === null}>
        {answer}
      </p>
      {error && (
        <p className="field-error small say-note" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/**
 * `runs.listening` for the task's attempt now (null while it takes no messages or has not
 * answered), and a way to ask again (after a refusal).
 */
function useListening(task: TaskRun): [MessageHow | null, () => void] {
  const [again, setAgain] = useState(0);
  const [how, setHow] = useState<MessageHow | null>(null);
  // A coding attempt listens once its agent started, after its worktree is ready: its first step says so.
  const started = useBaton(
    (s) => Object.keys(s.steps[stepsKey(task.run_id, task.task_id)]?.book ?? {}).length > 0,
  );
  const asked = useRef(0);
  const { run_id, task_id, status, attempt } = task;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt, or its agent started, is asked again
  useEffect(() => {
    const ask = ++asked.current;
    if (status !== 'in_progress') {
      setHow(null);
      return;
    }
    api.listening(run_id, task_id).then(
      (h) => ask === asked.current && setHow(h),
      () => ask === asked.current && setHow(null),
    );
  }, [run_id, task_id, status, attempt, started, again]);
  return [how, () => setAgain((n) => n + 1)];
}
