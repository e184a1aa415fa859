import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { StepState } from './landing-steps.ts';
import { landingSteps } from './landing-steps.ts';

/** Each step's state in words, for assistive technology (the stepper draws it as a mark and a colour). */
const SAID: Record<StepState, string> = {
  done: 'done',
  now: 'under way',
  waiting: 'waiting',
  failed: 'needs attention',
  todo: 'not yet',
};

/**
 * A landing's steps in a row (a pull request page's merge box): pushed, pull request, checks,
 * review, merged; each with its mark and what it says ("3 passed", "approved by ana").
 */
export function LandingSteps({ l, named }: { l: Landing; named: string }) {
  const steps = landingSteps(l);
  if (steps.length < 2) return null;
  return (
    <ol className="landing-steps" aria-label={`Steps of the landing of ${named}`}>
      {steps.map((s) => (
        <li
          key={s.name}
          className={`landing-step ${s.state}`}
          aria-label={`${s.name}: ${SAID[s.state]}${s.text ? `, ${s.text}` : ''}`}
        >
          <span className="step-name">{s.name}</span>
          {s.text && <span className="step-text">{s.text}</span>}
        </li>
      ))}
    </ol>
  );
}
