#!/usr/bin/env -S MALLOC_ARENA_MAX=2 BATON_ADDED_ENV=MALLOC_ARENA_MAX node --max-semi-space-size=16 --heap-growing-percent=100
// The `baton` command as it was first named: `baton.js` is the command now (Node strips no
// types for a JavaScript entry); this name is kept for the scripts and links that still use it.
import './baton.js';
