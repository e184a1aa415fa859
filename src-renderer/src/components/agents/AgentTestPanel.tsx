import { useId, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { AgentTestResult } from '../../../../src-shared/schemas/agent-test-result.ts';
import { formatDuration } from '../../format/duration.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { ValueView } from '../shared/ValueView.tsx';

/**
 * A command agent's test on its page: its program run once with a sample task (`agents.test`),
 * and how it went: passed or not and why, exit code and time, the first lines it printed, what it
 * answered and the files it left. The sample task can be changed before a run.
 */
export function AgentTestPanel({ agent }: { agent: Agent }) {
  const test = useBaton((s) => s.agentTests[agent.id]);
  const run = useBaton((s) => s.testAgent);
  const [description, setDescription] = useState('');
  const id = useId();
  const running = test?.state === 'running';
  return (
    <section className="agent-test" aria-label={`Test of ${agent.id}`}>
      <h3>Test</h3>
      <p className="muted small">
        Runs <code>{agent.kind === 'command' ? agent.command : agent.id}</code> once, as a task would, with a
        sample task in a scratch folder; stopped after{' '}
        {Math.min(agent.kind === 'command' ? (agent.timeout_s ?? 30) : 30, 30)} s.
      </p>
      <form
        className="agent-test-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(agent.id, description.trim() || undefined);
        }}
      >
        <label htmlFor={`${id}-task`} className="small">
          Sample task
        </label>
        <input
          id={`${id}-task`}
          value={description}
          placeholder={`A test of ${agent.id} from Baton's Agents screen: answer briefly to show you run.`}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
        />
        <button type="submit" className="primary" disabled={running}>
          {running ? 'Testing…' : test ? 'Test again' : `Test ${agent.id}`}
        </button>
      </form>
      {test?.state === 'refused' && (
        <p className="agent-test-verdict failed" role="alert">
          Not tested: {test.message}
        </p>
      )}
      {test?.state === 'answered' && <TestAnswer result={test.result} />}
    </section>
  );
}

function TestAnswer({ result: r }: { result: AgentTestResult }) {
  const facts = [
    r.started ? (r.signal ? `ended by ${r.signal}` : `exit code ${r.exit_code}`) : 'did not start',
    formatDuration(r.duration_ms),
    plural(r.output.length + r.more_lines, 'line'),
  ];
  return (
    <div className="agent-test-answer" role="status" aria-label={`Test result of ${r.agent_id}`}>
      <p className={`agent-test-verdict ${r.ok ? 'passed' : 'failed'}`}>
        <strong>{r.ok ? 'Passed' : 'Failed'}</strong> <span>{facts.join(' · ')}</span>
      </p>
      {r.error && <p className="agent-test-error">{r.error}</p>}
      {r.output.length > 0 && (
        <section aria-label={`Output of the test of ${r.agent_id}`}>
          <h4 className="small">First lines</h4>
          <pre className="wrap agent-test-output">
            {numbered(r.output).map((l) => (
              <span key={l.n} className={l.stream === 'stderr' ? 'stderr' : undefined}>
                {r.result !== null && l.stream === 'stdout' && l.text.startsWith('::result ')
                  ? '::result … (the answer, laid out below)'
                  : l.text}
                {'\n'}
              </span>
            ))}
          </pre>
          {r.more_lines > 0 && <p className="muted small">and {plural(r.more_lines, 'more line')}</p>}
        </section>
      )}
      {r.result !== null && (
        <>
          <h4 className="small">Answer (::result)</h4>
          <ValueView value={r.result} label={`Answer of the test of ${r.agent_id}`} what="the answer" />
        </>
      )}
      {r.files.length > 0 && (
        <p className="small">Files it left (artifacts in a task): {r.files.join(', ')}</p>
      )}
    </div>
  );
}

/** The lines with their place, which stays theirs: a line's key. */
const numbered = (lines: AgentTestResult['output']) => lines.map((l, n) => ({ ...l, n }));
