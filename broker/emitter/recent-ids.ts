/**
 * The ids of the last `size` messages seen, to drop a message delivered twice (a notification that
 * reaches a listener replaced during a reconnect, for instance). Ids arrive once each, so dropping
 * the oldest is the same as dropping the least recently used.
 */
export class RecentIds {
  readonly #ids = new Set<string>()
  readonly #size: number

  constructor(size: number) {
    this.#size = Math.max(1, size)
  }

  /** Records `id`; returns false if it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false
    if (this.#ids.size >= this.#size) {
      const oldest = this.#ids.values().next().value
      if (oldest !== undefined) this.#ids.delete(oldest)
    }
    this.#ids.add(id)
    return true
  }
}
