import { secretNameSchema } from '../../../src-shared/schemas/secret-refs.ts';
import { PROTECTION_WORDS, sourceWords, usedByWords } from '../../../src-shared/secret-words.ts';
import type { Connection } from '../connection.ts';
import { CliError } from '../files.ts';
import { printJson, printTable } from '../output.ts';
import { readSecretValue } from '../secret-value.ts';

const USAGE =
  'usage: baton secrets list [--json] | set <NAME> (the value from standard input or a prompt) | rm <NAME>';

/**
 * `baton secrets list | set NAME | rm NAME`: the secrets agents and webhooks name, over the typed
 * client (through the host serving the data directory when one does). No output holds a value.
 */
export async function secretsCommand(
  { client }: Connection,
  rest: string[],
  json: boolean,
  readValue: (name: string) => Promise<string> = (name) => readSecretValue(name),
): Promise<number> {
  const [sub, name, extra] = rest;
  if (sub === 'list' && name === undefined) {
    const all = await client.invoke('secrets.list', {});
    if (json) printJson(all);
    else {
      if (all.secrets.length === 0)
        process.stdout.write('No secrets. Set one with: baton secrets set NAME\n');
      else
        printTable(
          ['NAME', 'WHERE IT COMES FROM', 'USED BY'],
          all.secrets.map((s) => [s.name, sourceWords(s), usedByWords(s) || '-']),
        );
      process.stdout.write(
        `\nBaton looks a name up stored first, then in BATON_SECRET_<NAME>, then in <NAME>.\nSecrets set here are ${PROTECTION_WORDS[all.storage.protection]} (${all.storage.file}).\n`,
      );
    }
    return 0;
  }
  if (sub === 'set' && name !== undefined && extra === undefined) {
    // The name is checked before the value is asked for.
    const named = secretNameSchema.safeParse(name);
    if (!named.success) throw new CliError(`secret name "${name}" ${named.error.issues[0]!.message}`);
    const value = await readValue(name);
    const { protection } = await client.invoke('secrets.set', { name, value });
    if (json) printJson({ name, protection });
    else
      process.stdout.write(`Set secret ${name}: ${PROTECTION_WORDS[protection]}. It is used from now on.\n`);
    return 0;
  }
  if ((sub === 'rm' || sub === 'remove') && name !== undefined && extra === undefined) {
    const { deleted } = await client.invoke('secrets.delete', { name });
    if (json) printJson({ name, deleted });
    else {
      process.stdout.write(deleted ? `Removed secret ${name}\n` : `No secret ${name} is stored\n`);
      // A variable of Baton's environment may still give the name a value.
      const left = (await client.invoke('secrets.list', {})).secrets.find((s) => s.name === name);
      if (left?.source === 'environment')
        process.stdout.write(`${left.env_var} in Baton's environment still gives ${name} a value.\n`);
    }
    return deleted ? 0 : 1;
  }
  throw new CliError(USAGE);
}
