/** The few string values the page keeps between visits (guest id, nickname, locale, bar token). */
export interface KeyValueStore {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
}

/** A store in memory: for tests, and when the browser refuses localStorage (some private modes). */
export function memoryStore(initial: Record<string, string> = {}): KeyValueStore {
  const values = new Map(Object.entries(initial))
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  }
}

/** localStorage under a prefix, falling back to memory when it is unavailable or full. */
export function browserStore(prefix = 'drinks.'): KeyValueStore {
  const fallback = memoryStore()
  const attempt = <T>(use: (storage: Storage) => T, otherwise: () => T): T => {
    try {
      return use(globalThis.localStorage)
    } catch {
      return otherwise()
    }
  }
  return {
    get: (key) =>
      attempt(
        (s) => s.getItem(prefix + key),
        () => fallback.get(key),
      ),
    set: (key, value) =>
      attempt(
        (s) => s.setItem(prefix + key, value),
        () => fallback.set(key, value),
      ),
    remove: (key) =>
      attempt(
        (s) => s.removeItem(prefix + key),
        () => fallback.remove(key),
      ),
  }
}
