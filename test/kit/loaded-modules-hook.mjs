// Preloaded with `node --import` by test/integration/serve-start.test.ts: writes every module
// the process loads, as `LOADED <url>`, to stdout as it loads (so it is in order with what the
// process itself prints there).
import { writeSync } from 'node:fs';
import { registerHooks } from 'node:module';

registerHooks({
  load(url, context, next) {
    writeSync(1, `LOADED ${url}\n`);
    return next(url, context);
  },
});
