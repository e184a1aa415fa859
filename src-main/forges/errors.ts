/**
 * Why a push or a call to a forge did not happen, in words a person acts on; `reason` for code.
 * The landing's pushes and every forge's client throw it.
 */
export class LandingError extends Error {
  readonly reason: 'auth' | 'rights' | 'refused' | 'not_ours' | 'unreachable' | 'gone' | 'forge' | 'secret';
  constructor(reason: LandingError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A look at a forge's issues that failed, said in words a person can act on (the trigger's last error). */
export class IssuesError extends Error {}

/**
 * Does `f`, a step after a pull request exists (labels, reviewers): a forge's refusal of it is
 * added to `unmet` in words instead of thrown, so the landing keeps its pull request.
 */
export async function unmetIf(unmet: string[], f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (err) {
    if (!(err instanceof LandingError)) throw err;
    unmet.push(err.message);
  }
}
