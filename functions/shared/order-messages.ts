import {
  formatTicket,
  type Message,
  type Order,
  type OrderEvent,
  type PickupBoard,
  type TickerEvent,
  topics,
} from '../../contract/index.ts'

export interface OrderMessageOptions {
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /**
   * The station the order had before this change (a guest changed the drink): it hears of the
   * change too, so its screens drop the order.
   */
  formerStation?: string | undefined
}

/**
 * Every message that announces an order being placed or changed, as the spec's topic table lists
 * them: an order of a station's drink also goes to that station's topics.
 */
export function orderMessages(
  event: OrderEvent['event'],
  order: Order,
  drinkName: string,
  { tickerNicknames = true, formerStation }: OrderMessageOptions = {},
): Message[] {
  const body = JSON.stringify({ event, order } satisfies OrderEvent)
  const stations = [...new Set([order.station, formerStation])].filter((id) => id !== undefined)
  const messages: Message[] = [
    { topic: topics.barOrders, payload: body, qos: 1, retain: false },
    ...stations.map((id): Message => ({ topic: topics.stationOrders(id), payload: body, qos: 1, retain: false })),
    { topic: topics.guestOrders(order.guestId), payload: body, qos: 1, retain: false },
  ]
  if (event === 'placed') {
    const ticker: TickerEvent = {
      nickname: tickerNicknames ? order.nickname : null,
      drinkId: order.drinkId,
      at: order.createdAt,
    }
    const ticket = formatTicket(order, drinkName)
    messages.push(
      { topic: topics.barTickets, payload: ticket, qos: 1, retain: false },
      ...(order.station
        ? [{ topic: topics.stationTickets(order.station), payload: ticket, qos: 1 as const, retain: false }]
        : []),
      { topic: topics.publicTicker, payload: JSON.stringify(ticker), qos: 0, retain: false },
    )
  }
  return messages
}

/**
 * The retained `public/pickup` message: the pickup numbers that are ready now, oldest first.
 * Numbers only, so a public screen learns nothing of who ordered what.
 */
export function pickupMessage(board: PickupBoard): Message {
  return { topic: topics.publicPickup, payload: JSON.stringify(board), qos: 1, retain: true }
}
