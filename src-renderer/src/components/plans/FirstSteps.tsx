import { useId, useState } from 'react';
import { useBaton } from '../../store/index.ts';
import type { ExampleName } from '../../store/plans.ts';
import { FileButton } from '../shared/FileButton.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { NewPlanButton } from './NewPlanDialog.tsx';

/**
 * What an empty Baton says: the three steps from nothing to a run (agents, a plan, run it),
 * each done or with what to do, and one click that loads an example that works (two to choose).
 */
export function FirstSteps() {
  const agents = useBaton((s) => s.agents.length);
  const agentsLoaded = useBaton((s) => s.agentsLoaded);
  const importAgents = useBaton((s) => s.importAgents);
  const importPlan = useBaton((s) => s.importPlan);
  const haveAgents = agentsLoaded && agents > 0;
  return (
    <section className="first-steps" aria-labelledby="first-steps-title">
      <h1 id="first-steps-title">No plans yet</h1>
      <p>
        Welcome to Baton. A plan is a graph of tasks; each task needs skills, and Baton hands it to a
        registered agent that has them. Three steps to a first run:
      </p>
      <ol className="steps">
        <li
          className={haveAgents ? 'done' : undefined}
          aria-label={`Register agents${haveAgents ? ': done' : ''}`}
        >
          <strong>Register agents</strong>
          <span className="muted small">
            {haveAgents
              ? `${agents} agent${agents === 1 ? ' is' : 's are'} registered.`
              : 'Who does the work: programs, HTTP services, models or people, each with skills.'}
          </span>
          {!haveAgents && (
            <span className="actions">
              <FileButton
                label="Import agents…"
                inputLabel="Agents file (first steps)"
                onFile={importAgents}
              />
              <RouteLink to={{ screen: 'agents', agentId: null }} className="link">
                or add one on the Agents screen
              </RouteLink>
            </span>
          )}
        </li>
        <li aria-label="Make a plan">
          <strong>Make a plan</strong>
          <span className="muted small">
            Draft one from a sentence, start from an empty canvas, or import a file (or drop it on the
            window).
          </span>
          <span className="actions">
            <NewPlanButton label="Start a plan…" />
            <FileButton label="Import plan…" inputLabel="Plan file (empty state)" onFile={importPlan} />
          </span>
        </li>
        <li aria-label="Run it">
          <strong>Run it</strong>
          <span className="muted small">
            Open the plan and press Run plan: watch each task go to an agent, and answer what waits for you in
            Approvals.
          </span>
        </li>
      </ol>
      <section className="examples" aria-label="Examples">
        <h2>Or start from an example that works</h2>
        <Example
          name="first-steps"
          label="Load a working example"
          primary
          about="Three agents that answer offline (two programs and a person) and two plans: one that runs to the end, one that waits for an approval and a review."
        />
        <Example
          name="laptops-research"
          label="Load the laptops research example"
          about="A plan from the sentence “research best laptops and draft email to john@example.com”: a research agent that searches notes in Baton's memory and a mail agent that writes draft.eml from its findings (never sent). Runs offline."
        />
      </section>
    </section>
  );
}

/** One example to load in a click: what it brings, said before it is loaded. */
function Example({
  name,
  label,
  about,
  primary = false,
}: {
  name: ExampleName;
  label: string;
  about: string;
  primary?: boolean;
}) {
  const loadExample = useBaton((s) => s.loadExample);
  const [loading, setLoading] = useState(false);
  const id = useId();
  return (
    <div className="example">
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        disabled={loading}
        aria-describedby={id}
        onClick={async () => {
          setLoading(true);
          await loadExample(name);
          setLoading(false);
        }}
      >
        {loading ? 'Loading…' : label}
      </button>
      <span id={id} className="muted small">
        {about}
      </span>
    </div>
  );
}
