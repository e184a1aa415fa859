/**
 * The store's slices read localStorage as they are created: for tests in Node, a Map stands in
 * for it. Install it before the store is imported (`await import('./index.ts')`).
 */
export function installLocalStorage(): void {
  const items = new Map<string, string>();
  globalThis.localStorage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
    clear: () => items.clear(),
    key: () => null,
    length: 0,
  } satisfies Storage;
}
