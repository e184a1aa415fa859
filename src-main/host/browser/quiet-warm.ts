/** How long the host is to have answered no request before a load falls in that quiet moment. */
const QUIET_MS = 25;
/** Loaded anyway this long after the host listens, if no page came. */
const AT_LATEST_MS = 1_000;

/**
 * Loads what the host needs soon but not first (`ws`, for the page's socket) in its first quiet
 * moment: `QUIET_MS` after the answers to its first requests went out (the page and its scripts
 * are sent; the browser compiles them before it opens its socket), or `AT_LATEST_MS` after it
 * listens. Loaded a turn after the host listened, `ws` (~60 ms with its garbage on the slower
 * machine) held the first page's request instead. Whatever asks first (an upgrade) loads it then.
 */
export function quietWarm(warm: () => void) {
  let timer: NodeJS.Timeout | undefined;
  const state = {
    warmed: false,
    /** The host listens: the latest moment is set. */
    start(): void {
      if (!state.warmed) arm(AT_LATEST_MS);
    },
    /** An answer went out: the quiet moment is counted from here. */
    settle(): void {
      if (!state.warmed) arm(QUIET_MS);
    },
    stop(): void {
      state.warmed = true;
      clearTimeout(timer);
    },
  };
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.warmed = true;
      warm();
    }, ms);
    timer.unref();
  };
  return state;
}
