import type { HeldSecret } from '../../../secrets/held.ts';
import { GitError, git } from '../workspaces/git.ts';

/**
 * Before Baton pushes a branch, the lines its commits add are read for the value of every secret
 * Baton holds: a branch that holds one is not pushed. An agent sees what its environment, files
 * and tools show it; what it writes into a file lands on its branch, and a push would publish it.
 */

/** Where a secret was found: which one, in which file, added by which commit. */
export interface SecretHit {
  name: string;
  file: string;
  commit: string;
}

export interface SecretScanInput {
  repo: string;
  /** The commit to push. */
  commit: string;
  /** Commits the remote has already (the branch's tip there, the base branch): what they hold is not read again. */
  known: readonly string[];
  secrets: readonly HeldSecret[];
  /**
   * Tokens Baton keeps only a hash of (a worker's `bwk_…`): a string of that shape found is looked
   * up here, and named when it is one Baton issued; null when it is not.
   */
  tokenOf?: ((candidate: string) => string | null) | undefined;
  timeoutMs?: number;
}

/** Shorter values are not looked for: a secret of a few characters would be found in any text. */
export const MIN_SECRET_LENGTH = 8;
/** Hits after which the scan stops (the refusal names them; more would not change it). */
const MAX_HITS = 20;
/** The longest piece of one line held at once; a longer line (a minified file, a binary) is read in pieces. */
const MAX_PIECE = 1024 * 1024;
/** What starts an added line, by a hunk's columns. */
const ADDED = ['', '+', '++', '+++'];
/** A worker token's shape (src-main/workers/tokens.ts). */
const WORKER_TOKEN = /bwk_[A-Za-z0-9_-]{43}/g;

/**
 * The forms a value is looked for in: as it is, URL-encoded, and base64 (standard and URL-safe)
 * at each of the three alignments it can take inside a longer base64 text. Each as the bytes git
 * prints, read one byte per character (latin1), so any value matches whatever its encoding.
 */
export function formsOf(value: string): { form: string; how: string }[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = new Map<string, string>();
  const add = (form: string, how: string) => {
    if (form.length >= MIN_SECRET_LENGTH && !out.has(form)) out.set(form, how);
  };
  add(bytes.toString('latin1'), '');
  add(Buffer.from(encodeURIComponent(value), 'utf8').toString('latin1'), ' (URL-encoded)');
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    // Only the characters made of the value's bits alone: not those shared with what is around it.
    const inner = enc.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    add(inner, ' (base64)');
    add(inner.replaceAll('+', '-').replaceAll('/', '_'), ' (base64)');
  }
  return [...out].map(([form, how]) => ({ form, how }));
}

/** The path of a `--- a/…` or `+++ b/…` line (git ends a name with a space in a tab). */
const pathOf = (line: string) => Buffer.from(line.slice(4).replace(/\t$/, ''), 'latin1').toString('utf8');

const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The held secrets found in what the commits between `known` and `commit` add, at most 20, each
 * (secret, file) once. Every commit's own diff is read (`git log -p`), so a secret added by one
 * commit and removed by a later one is found too: the push would publish that commit. A merge's
 * own lines only (a combined diff: what no parent holds), since what it brings from a parent is
 * that parent's. Only added lines, without context (`-U0`); binary files as text; no diff driver
 * or text conversion a repository's attributes name is run. One regular expression over all forms
 * of all secrets, read as git prints, never the whole diff in memory.
 */
export async function scanForSecrets(input: SecretScanInput): Promise<SecretHit[]> {
  const patterns = new Map<string, string>();
  for (const s of input.secrets)
    if (s.value.length >= MIN_SECRET_LENGTH)
      for (const { form, how } of formsOf(s.value))
        if (!patterns.has(form)) patterns.set(form, `${s.name}${how}`);
  if (patterns.size === 0 && !input.tokenOf) return [];
  const forms = [...patterns.keys()].sort((a, b) => b.length - a.length);
  const any = forms.length > 0 ? new RegExp(forms.map(literally).join('|')) : null;
  const overlap = Math.max(0, ...forms.map((f) => f.length), 47) - 1;

  const known: string[] = [];
  for (const k of input.known) {
    const ok = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${k}^{commit}`], {
      cwd: input.repo,
      okExitCodes: [0, 1],
    });
    const sha = ok.stdout.toString('utf8').trim();
    if (ok.exitCode === 0 && sha) known.push(sha);
  }

  const hits: SecretHit[] = [];
  const seen = new Set<string>();
  let commit = '';
  let file = '';
  let inHunk = false;
  /** The columns of a hunk's lines: 1, or a merge's parents (a combined diff's `++`). */
  let cols = 1;
  /** The line being read: whether it is an added one, and what of it is held. */
  let added = false;
  let atStart = true;
  let piece = '';
  const enough = new AbortController();

  const hit = (name: string) => {
    // A file whose name holds a secret is not named: the refusal would print the secret.
    const where = any?.test(file) ? 'a file whose name holds it' : file;
    const key = `${name}\0${where}`;
    if (seen.has(key)) return;
    seen.add(key);
    hits.push({ name, file: where, commit });
    if (hits.length >= MAX_HITS) enough.abort();
  };
  const look = (text: string) => {
    if (any?.test(text)) for (const f of forms) if (text.includes(f)) hit(patterns.get(f)!);
    if (input.tokenOf)
      for (const m of text.matchAll(WORKER_TOKEN)) {
        const name = input.tokenOf(m[0]);
        if (name !== null) hit(name);
      }
  };
  /** A whole line (or the start of one, `atStart`) of `git log -p`. */
  const header = (line: string) => {
    if (line.startsWith('\0')) {
      commit = line.slice(1, 13);
      inHunk = false;
    } else if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
      inHunk = false;
      file = '';
    } else if (!inHunk && line.startsWith('+++ ')) {
      const name = pathOf(line);
      file = name === '/dev/null' ? file : name.replace(/^"?b\//, '').replace(/"$/, '');
    } else if (!inHunk && line.startsWith('--- ') && file === '') {
      file = pathOf(line)
        .replace(/^"?a\//, '')
        .replace(/"$/, '');
    } else if (line.startsWith('@@')) {
      inHunk = true;
      cols = Math.max(1, /^@+/.exec(line)![0].length - 1);
    }
  };
  const take = (text: string, ends: boolean) => {
    if (atStart) {
      // Added by this commit: `+`; by a merge itself (against every parent): `+` in each column.
      added = inHunk && text.startsWith(ADDED[cols] ?? '+'.repeat(cols));
      if (!added) {
        // A header line is short: it is read once whole (a long one only its start matters).
        if (ends || text.length >= MAX_PIECE) header(text);
      }
    }
    if (added) {
      piece += text;
      if (ends || piece.length >= MAX_PIECE) {
        look(piece);
        piece = ends ? '' : piece.slice(-overlap);
      }
    }
    atStart = ends;
  };
  let carry = '';
  const onStdout = (chunk: Buffer) => {
    if (enough.signal.aborted) return;
    const text = carry + chunk.toString('latin1');
    carry = '';
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      take(text.slice(from, nl), true);
      from = nl + 1;
    }
    const rest = text.slice(from);
    // A line is read whole up to 1 MB; a longer one (an added one's tail) is read as it comes.
    if (atStart && rest.length < MAX_PIECE) carry = rest;
    else if (rest.length > 0) take(rest, false);
  };

  try {
    await git(
      [
        'log',
        '-p',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--text',
        '--unified=0',
        '--src-prefix=a/',
        '--dst-prefix=b/',
        '--diff-merges=dense-combined',
        '--format=%x00%H',
        input.commit,
        ...(known.length > 0 ? ['--not', ...known] : []),
        '--',
      ],
      { cwd: input.repo, onStdout, signal: enough.signal, timeoutMs: input.timeoutMs ?? 300_000 },
    );
  } catch (err) {
    if (!(err instanceof GitError && err.failure === 'aborted' && hits.length >= MAX_HITS)) throw err;
  }
  if (!enough.signal.aborted) {
    if (carry) take(carry, true);
    else if (!atStart) take('', true);
  }

  const range = [input.commit, ...(known.length > 0 ? ['--not', ...known] : []), '--'];
  /** git's NUL-separated output (`-z`), each record handed to `each` as it comes (a long one in pieces). */
  const records = async (args: string[], each: (text: string) => void) => {
    let rest = '';
    try {
      await git(args, {
        cwd: input.repo,
        signal: enough.signal,
        timeoutMs: input.timeoutMs ?? 300_000,
        onStdout: (chunk) => {
          if (enough.signal.aborted) return;
          const parts = (rest + chunk.toString('latin1')).split('\0');
          rest = parts.pop()!;
          for (const part of parts) each(part);
          if (rest.length >= MAX_PIECE) {
            each(rest);
            rest = rest.slice(-overlap);
          }
        },
      });
    } catch (err) {
      if (!(err instanceof GitError && err.failure === 'aborted' && hits.length >= MAX_HITS)) throw err;
    }
    if (rest && !enough.signal.aborted) each(rest);
  };
  /** A record that starts a commit (`\x01` and its hash): the commit hits are said to be in. */
  const commitOf = (text: string) => {
    if (text.charCodeAt(0) === 1 && /^[0-9a-f]{12}/.test(text.slice(1, 13))) commit = text.slice(1, 13);
  };
  // The names the commits give files (a new one's, a rename's or copy's new one): a push publishes
  // them too, and no line of the diff above holds them (an empty new file has none). Every record
  // is read, the commits' too (a name may start as they do).
  if (!enough.signal.aborted) {
    file = 'a file name';
    await records(['log', '-z', '--format=%x01%H', '--name-only', '--diff-filter=ACR', ...range], (text) => {
      commitOf(text);
      look(text);
    });
  }
  // Each commit's message, author and committer (an agent that commits names them).
  if (!enough.signal.aborted) {
    file = 'its commit message, author or committer';
    await records(['log', '-z', '--format=%x01%H%n%an <%ae>%n%cn <%ce>%n%B', ...range], (text) => {
      commitOf(text);
      look(text);
    });
  }
  return hits;
}

/** What a refused push says: each secret by name and where it was found, never its value. */
export function secretsFound(branch: string, hits: readonly SecretHit[]): string {
  const shown = hits.slice(0, 5).map((h) => `${h.name} in ${h.file || 'a file'} (commit ${h.commit})`);
  const more = hits.length > 5 ? `, and ${hits.length - 5} more` : '';
  return `${branch} was not pushed: it holds the value of ${shown.join('; ')}${more}. Baton does not push a secret it holds: take it out of the branch's history (the commit that added it, not only the last one) and land again; if it must be there, it is no secret of Baton's: remove it from Baton's secrets`;
}
