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
}

/** Every message that announces an order being placed or changed, as the spec's topic table lists them. */
export function orderMessages(
  event: OrderEvent['event'],
  order: Order,
  drinkName: string,
  { tickerNicknames = true }: OrderMessageOptions = {},
): Message[] {
  const body = JSON.stringify({ event, order } satisfies OrderEvent)
  const messages: Message[] = [
    { topic: topics.barOrders, payload: body, qos: 1, retain: false },
    { topic: topics.guestOrders(order.guestId), payload: body, qos: 1, retain: false },
  ]
  if (event === 'placed') {
    const ticker: TickerEvent = {
      nickname: tickerNicknames ? order.nickname : null,
      drinkId: order.drinkId,
      at: order.createdAt,
    }
    messages.push(
      { topic: topics.barTickets, payload: formatTicket(order, drinkName), qos: 1, retain: false },
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
