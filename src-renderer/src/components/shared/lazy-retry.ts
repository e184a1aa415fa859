import type { ComponentProps, ComponentType } from 'react';
import { createElement, lazy } from 'react';

/** A part of the app whose code could not be fetched: the host was not reachable when it was opened. */
export class CodeNotLoaded extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'CodeNotLoaded';
  }
}

/** How many times a person asked to try again (ErrorBoundary's "Try again"). */
let tries = 0;

/** Loads that failed before now are made again on their next render. */
export function retryFailedLoads(): void {
  tries += 1;
}

/**
 * `React.lazy`, but a load that failed is made again once the person tries again. React keeps a
 * lazy component's rejected promise for good, so a screen opened while the host was down stayed
 * broken after it came back. The failed one is kept until "Try again" (`retryFailedLoads`): made
 * again at once, React would render it again while it shows the error, and load it over and over.
 * The failure is thrown as `CodeNotLoaded`, which the boundary words.
 */
// biome-ignore lint/suspicious/noExplicitAny: a component of any props, as React.lazy takes
export function lazyRetry<C extends ComponentType<any>>(load: () => Promise<{ default: C }>): C {
  /** `tries` when the load last failed; null while it has not. */
  let failedAt: number | null = null;
  const fresh = () =>
    lazy(() =>
      load().catch((err: unknown) => {
        failedAt = tries;
        throw new CodeNotLoaded(err);
      }),
    );
  let current = fresh();
  const Retrying = (props: ComponentProps<C>) => {
    if (failedAt !== null && tries > failedAt) {
      failedAt = null;
      current = fresh();
    }
    return createElement(current, props);
  };
  return Retrying as unknown as C;
}
