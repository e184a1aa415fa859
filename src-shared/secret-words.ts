import type { SecretListing, SecretProtection } from './contract/domains/secrets.ts';

/** How a secret Baton stores is kept, in the words the app and the CLI say it. */
export const PROTECTION_WORDS: Record<SecretProtection, string> = {
  keychain: 'encrypted with a key your OS keychain keeps, in a file only you can read',
  file: 'stored in a file only you can read, not encrypted: this machine has no keychain Baton can use',
};

/** Where a listed secret's value comes from, in words ("Stored by Baton", "Environment variable X"). */
export function sourceWords(s: SecretListing): string {
  if (s.source === 'missing') return 'Not set';
  if (s.source === 'environment') {
    const also = s.stored && !s.stored.readable ? ' (the stored one is encrypted by another keychain)' : '';
    return `Environment variable ${s.env_var}${also}`;
  }
  if (!s.stored?.readable) return 'Stored, encrypted by a keychain this Baton cannot use (the desktop app’s)';
  const how = s.stored.protection === 'keychain' ? 'encrypted' : 'not encrypted';
  const over = s.env_var ? `; it wins over ${s.env_var}` : '';
  return `Stored by Baton, ${how}${over}`;
}

/** Who names a secret, in words ("agent llm, webhook ops"); empty when nobody does. */
export function usedByWords(s: SecretListing): string {
  return [
    ...s.used_by.agents.map((a) => `agent ${a}`),
    ...s.used_by.webhooks.map((w) => `webhook ${w}`),
  ].join(', ');
}
