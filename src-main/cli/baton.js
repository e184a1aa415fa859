#!/usr/bin/env -S MALLOC_ARENA_MAX=2 BATON_ADDED_ENV=MALLOC_ARENA_MAX node --max-semi-space-size=16 --heap-growing-percent=100
// The `baton` command. It turns on Node's module compile cache (V8 code for each loaded
// module, and each TypeScript file with its types stripped, kept under the OS temp dir and
// checked against the file's contents) before loading the CLI, so after the first run
// `baton serve` starts in about half the time. Then it loads the build's bundle of the CLI when
// that is as new as the sources, else the sources (bundle.js). It is JavaScript so that Node does
// not load its type stripper for the entry itself.
import { enableCompileCache } from 'node:module';
import { currentBundle } from './bundle.js';

enableCompileCache();
await import(currentBundle(new URL('../../', import.meta.url)) ?? './cli.ts');
