import type { Hono } from 'hono'
import * as v from 'valibot'
import { DrinkIdSchema, DrinkUpdateSchema, routes, StartEventSchema } from '../../contract/index.ts'
import { createBaseApp, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { Refusal } from '../shared/errors.ts'
import { startEvent } from '../shared/events.ts'
import { findDrink, findStation, loadMenu } from '../shared/menu.ts'
import { openApiDocument } from '../shared/openapi.ts'
import { pickupMessage } from '../shared/order-messages.ts'
import { readPickupBoard } from '../shared/orders.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { readJson } from '../shared/validate.ts'
import { menuMessage } from './menu-message.ts'
import { addStationRoutes } from './stations.ts'

/**
 * `GET /api/menu` for everyone; `PUT /api/menu/:drinkId` for the bar (sold out, back again, its
 * station), and the stations (stations.ts); `POST /api/events` for the bar (a new event: pickup
 * numbers from 1, empty queue and board). Also serves `GET /api/openapi.json`, the API's
 * description.
 */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, barToken, log } = deps
  const app = createBaseApp(deps)
    .get(routes.menu, async (c) => c.json(await loadMenu(sql)))
    .get(routes.openapi, (c) => c.json(openApiDocument()))
    .put(routes.drink, async (c) => {
      if (!isBar(c.req.header('authorization'), barToken))
        throw new Refusal(401, 'unauthorized', 'the bar token is needed')
      const drinkId = c.req.param('drinkId')
      if (!v.is(DrinkIdSchema, drinkId)) throw new Refusal(404, 'not_found', 'no such drink')
      const change = await readJson(c, DrinkUpdateSchema)
      const { drink, outbox } = await sql.begin(async (tx) => {
        if (change.station && !(await findStation(tx, change.station))) {
          throw new Refusal(400, 'invalid_input', `station: there is no station "${change.station}"`, [
            { path: 'station', message: 'no such station' },
          ])
        }
        if (change.available !== undefined || change.station !== undefined) {
          await tx`
            update drinks set
              available = coalesce(${change.available ?? null}, available),
              station = ${change.station === undefined ? tx`station` : change.station},
              updated_at = now()
            where id = ${drinkId}`
        }
        const drink = await findDrink(tx, drinkId)
        if (!drink) throw new Refusal(404, 'not_found', 'no such drink')
        return { drink, outbox: await enqueue(tx, [await menuMessage(tx)]) }
      })
      void flush(sql, publisher, outbox, log)
      return c.json({ drink })
    })
  app.post(routes.events, async (c) => {
    if (!isBar(c.req.header('authorization'), barToken))
      throw new Refusal(401, 'unauthorized', 'the bar token is needed')
    const { name } = await readJson(c, StartEventSchema)
    const { event, outbox } = await sql.begin(async (tx) => {
      const event = await startEvent(tx, name)
      // The menu names the new event, and every page that hears it leaves the previous event's
      // orders behind; the board shows the new event's ready numbers: none.
      const messages = [await menuMessage(tx), pickupMessage(await readPickupBoard(tx))]
      return { event, outbox: await enqueue(tx, messages) }
    })
    void flush(sql, publisher, outbox, log)
    log.info(`event ${event.id} started: ${JSON.stringify(event.name)}`)
    return c.json({ event }, 201)
  })
  return addStationRoutes(app, deps)
}

/** Publishes the current menu as the retained `public/menu`; the menu function does so at start. */
export async function start({ sql, publisher, log }: FunctionDeps): Promise<void> {
  const outbox = await sql.begin(async (tx) => enqueue(tx, [await menuMessage(tx)]))
  await flush(sql, publisher, outbox, log)
}
