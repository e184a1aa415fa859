import { Panel } from '@xyflow/react';

/** The run graph's colours in words; what waits for a person first, apart from other waiting. */
const KEYS = [
  { tone: 'you', words: 'Waits for a person', more: 'Awaiting approval, or ready for a person to take' },
  { tone: 'waiting', words: 'Blocked or ready', more: 'Waiting for other tasks or for an agent' },
  { tone: 'running', words: 'Running', more: undefined },
  { tone: 'done', words: 'Done', more: undefined },
  { tone: 'failed', words: 'Failed', more: 'Failed, or no agent can do it' },
] as const;

/** What the colours of a run's task cards mean, over the graph's top left corner. */
export function StatusLegend() {
  return (
    <Panel position="top-left" className="status-legend">
      <ul aria-label="What the colours mean">
        {KEYS.map((k) => (
          <li key={k.tone} title={k.more}>
            <span className={`legend-swatch tone-${k.tone}`} aria-hidden="true" />
            {k.words}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
