import { createModel, signal } from '@preact/signals-core'
import type { TickerEvent } from '../../../contract/index.ts'

/** The latest orders of everyone (`public/ticker`), newest first. */
export const TickerModel = createModel((limit = 5) => {
  const items = signal<readonly TickerEvent[]>([])
  return {
    items,
    push(event: TickerEvent) {
      const same = (other: TickerEvent) =>
        other.at === event.at && other.nickname === event.nickname && other.drinkId === event.drinkId
      if (items.value.some(same)) return
      items.value = [event, ...items.value].sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit)
    },
  }
})

export type TickerModel = InstanceType<typeof TickerModel>
