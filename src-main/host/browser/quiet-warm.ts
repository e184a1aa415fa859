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
  let quiet: NodeJS.Timeout | undefined;
  let latest: NodeJS.Timeout | undefined;
  const now = () => {
    state.stop();
    warm();
  };
  const state = {
    warmed: false,
    /** The host listens: the latest moment is set. */
    start(): void {
      if (state.warmed || latest) return;
      latest = setTimeout(now, AT_LATEST_MS);
      latest.unref();
    },
    /** An answer went out: the quiet moment is counted from here (the latest one stays). */
    settle(): void {
      if (state.warmed) return;
      clearTimeout(quiet);
      quiet = setTimeout(now, QUIET_MS);
      quiet.unref();
    },
    stop(): void {
      state.warmed = true;
      clearTimeout(quiet);
      clearTimeout(latest);
    },
  };
  return state;
}
