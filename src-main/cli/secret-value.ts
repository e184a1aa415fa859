import { CliError } from './files.ts';

/**
 * The value `baton secrets set` stores: typed at a prompt that does not show it when the command
 * runs in a terminal, else read whole from standard input (`printf %s "$TOKEN" | baton secrets
 * set NAME`), one line ending taken off. Never an argument: arguments are visible to every
 * process on the machine and kept in shell history.
 */
export async function readSecretValue(
  name: string,
  stdin: NodeJS.ReadStream = process.stdin,
  prompt: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  const value = stdin.isTTY
    ? await hiddenPrompt(`Value of ${name} (not shown): `, stdin, prompt)
    : await readAll(stdin);
  if (value === '') throw new CliError(`no value given for ${name}: type it at the prompt, or pipe it in`);
  return value;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads one line in raw mode, echoing nothing; Backspace edits, Ctrl+C and Ctrl+D give up. */
function hiddenPrompt(question: string, stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  out.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  let value = '';
  return new Promise((resolve, reject) => {
    const done = (err: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('nothing stored', 130));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
