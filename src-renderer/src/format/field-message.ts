/**
 * Validation messages in plain words. The schemas word most of their own messages
 * ("must be a number of 0 or more"); these turn zod's generic ones ("Too small: expected
 * number to be >=0") into the same kind of words, and put the field's name in front.
 */

const KIND: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

const UNIT: Record<string, string> = { string: 'characters', array: 'items', set: 'items' };

/** A zod message in plain words; a message that is not zod's own comes back unchanged. */
export function plainMessage(message: string): string {
  let m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (m) return m[2] === 'undefined' ? 'is required' : `must be ${KIND[m[1]!] ?? m[1]}`;
  m = /^Too (small|big): expected (\w+) to (?:be|have) ([<>]=?)(-?[\d.e+]+)(?: (\w+))?$/.exec(message);
  if (m) {
    const [, , origin, op, n, unit] = m;
    if (origin === 'number' || origin === 'int' || origin === 'bigint') {
      const what = origin === 'number' ? 'a number' : 'a whole number';
      if (op === '>=') return `must be ${what} of ${n} or more`;
      if (op === '>') return `must be ${what} more than ${n}`;
      if (op === '<=') return `must be at most ${n}`;
      return `must be less than ${n}`;
    }
    const units = UNIT[origin!] ?? unit ?? '';
    if (op === '>=' && n === '1') return origin === 'string' ? 'must not be empty' : 'needs at least one';
    if (op === '>=' || op === '>') return `must have at least ${n} ${units}`.trimEnd();
    return `must have at most ${n} ${units}`.trimEnd();
  }
  m = /^Invalid option: expected one of (.+)$/.exec(message);
  if (m) return `must be one of ${m[1]!.replaceAll('"', '').split('|').join(', ')}`;
  m = /^Unrecognized keys?: (.+)$/.exec(message);
  if (m) return `has fields it does not know: ${m[1]}`;
  return message;
}

const PREDICATE = /^(must|may|is|are|has|have|needs?|cannot|can|should)\b/;

/**
 * "Budget must be a number of 0 or more": the message with the field's name in front. A
 * message that is a whole sentence already (it starts with a capital) is kept as it is; one
 * that is not a predicate follows the name after a colon.
 */
export function fieldMessage(label: string, message: string): string {
  const plain = plainMessage(message);
  if (PREDICATE.test(plain)) return `${label} ${plain}`;
  if (/^[A-Z]/.test(plain)) return plain;
  return `${label}: ${plain}`;
}
