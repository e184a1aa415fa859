#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=150
// The `baton` command. It turns on Node's module compile cache (V8 code for each loaded
// module, kept under the OS temp dir and checked against the file's contents) before loading
// the CLI, so after the first run `baton serve` starts in about half the time.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./cli.ts');
