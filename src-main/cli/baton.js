#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=150
// The `baton` command. It turns on Node's module compile cache (V8 code for each loaded
// module, and each TypeScript file with its types stripped, kept under the OS temp dir and
// checked against the file's contents) before loading the CLI, so after the first run
// `baton serve` starts in about half the time. It is JavaScript so that Node does not load
// its type stripper for the entry itself: every TypeScript file after it comes stripped from
// the cache (the stripper costs ~35 ms of the start otherwise).
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./cli.ts');
