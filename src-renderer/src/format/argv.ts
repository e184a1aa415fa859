/**
 * Command lines and environments as people type them in a form, and back. A setup command or
 * a coding agent's extra arguments are argv arrays (run without a shell): typed on one line,
 * words split at spaces, with '…' or "…" around a word that holds spaces.
 */

/** The words of a command line; an unclosed quote is an error naming the quote. */
export function splitArgs(text: string): { ok: true; args: string[] } | { ok: false; error: string } {
  const args: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) args.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) return { ok: false, error: `has a ${quote} that is never closed` };
  if (word !== null) args.push(word);
  return { ok: true, args };
}

/** An argv array as one line that `splitArgs` reads back the same. */
export function joinArgs(args: readonly string[]): string {
  return args.map(quoteArg).join(' ');
}

/** One argument as `splitArgs` reads it back: quoted when empty or holding a space or a quote. */
export function quoteArg(a: string): string {
  return a === '' || /[\s'"]/.test(a) ? (a.includes("'") ? `"${a}"` : `'${a}'`) : a;
}

/** An environment value: text, or a secret's value by its name. */
export type EnvText = string | { secret: string };

/**
 * `NAME=value` lines; `NAME=secret:KEY` takes the secret KEY's value. Blank lines are
 * skipped; a line without `=` or with a name that is not an environment variable's is an
 * error naming the line.
 */
export function parseEnv(
  text: string,
): { ok: true; env: Record<string, EnvText> } | { ok: false; error: string } {
  const env: Record<string, EnvText> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq).trim();
    if (eq === -1) return { ok: false, error: `line ${i + 1} (${name}) needs NAME=value` };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return { ok: false, error: `line ${i + 1}: "${name}" is not an environment variable name` };
    const value = line.slice(eq + 1);
    const secret = /^secret:(\S+)$/.exec(value);
    env[name] = secret ? { secret: secret[1]! } : value;
  }
  return { ok: true, env };
}

/** An environment as `parseEnv` reads it. */
export function envText(env: Record<string, EnvText>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : `secret:${v.secret}`}`)
    .join('\n');
}

/**
 * What in a command line needs a shell, which a check or setup command does not run under: `&&`,
 * `||`, `|`, `;`, a redirection, `$VAR` or `$(…)`, a backquote, a glob, `~`, a leading
 * `NAME=value`, or `cd`. Null when it runs the same without one. Read outside quotes only.
 */
export function shellSyntax(text: string): string | null {
  let quote: '"' | "'" | null = null;
  let plain = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      // $VAR, $(…) and ` still expand inside double quotes; operators there are words.
      else if (quote === '"' && /[\w$`({]/.test(ch)) plain += ch;
      else plain += ' ';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      plain += ' ';
    } else plain += ch;
  }
  const found: [RegExp, string][] = [
    [/&&/, '&&'],
    [/\|\|/, '||'],
    [/\|/, '|'],
    [/;/, ';'],
    [/[<>]/, 'a redirection (< or >)'],
    [/\$[({A-Za-z_]/, 'a $ variable'],
    [/`/, 'a backquote'],
    [/(^|\s)~(\/|\s|$)/, '~'],
    [/[*?]/, 'a * or ? pattern'],
    [/^\s*[A-Za-z_][A-Za-z0-9_]*=/, 'NAME=value before the command'],
    [/^\s*cd\s/, 'cd'],
  ];
  return found.find(([re]) => re.test(plain))?.[1] ?? null;
}

/**
 * A command line run by `sh -c`, as the form offers it: `sh -c 'npm ci && npm test'`; a single
 * quote in it is written `'"'"'`, which both a shell and `splitArgs` read back as one quote.
 */
export const inShell = (line: string): string => `sh -c '${line.trim().replaceAll("'", `'"'"'`)}'`;
