import type { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import * as v from 'valibot'
import {
  ALL_STATIONS,
  type OutboxEntry,
  routes,
  StationIdSchema,
  StationPutSchema,
  stationLimits,
} from '../../contract/index.ts'
import type { FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { Refusal } from '../shared/errors.ts'
import { findStation } from '../shared/menu.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { readJson } from '../shared/validate.ts'
import { menuMessage } from './menu-message.ts'

/**
 * The bar's stations: `PUT /api/stations/:stationId` creates or replaces one,
 * `DELETE /api/stations/:stationId` removes one no drink belongs to. Each change republishes the
 * retained `public/menu`, which carries the stations.
 */
export function addStationRoutes(app: Hono, { sql, publisher, barToken, log }: FunctionDeps): Hono {
  const changeMenu = async <T>(change: (tx: TransactionSql) => Promise<T>): Promise<T> => {
    const { result, outbox } = await sql.begin(async (tx) => {
      const result = await change(tx)
      return { result, outbox: await enqueue(tx, [await menuMessage(tx)]) }
    })
    void flush(sql, publisher, outbox as OutboxEntry[], log)
    return result as T
  }
  const bar = (authorization: string | undefined) => {
    if (!isBar(authorization, barToken)) throw new Refusal(401, 'unauthorized', 'the bar token is needed')
  }

  return app
    .put(routes.station, async (c) => {
      bar(c.req.header('authorization'))
      const id = c.req.param('stationId')
      const idCheck = v.safeParse(StationIdSchema, id)
      if (!idCheck.success || id === ALL_STATIONS) {
        // "all" names every station where printers are registered (contract/cloudprnt.ts).
        const message = idCheck.success
          ? `"${ALL_STATIONS}" means every station`
          : (idCheck.issues[0]?.message ?? 'not a station id')
        throw new Refusal(400, 'invalid_input', `stationId: ${message}`, [{ path: 'stationId', message }])
      }
      const body = await readJson(c, StationPutSchema)
      const { station, created } = await changeMenu(async (tx) => {
        // Stations are few and rarely changed: one change at a time keeps the count right.
        await tx`select pg_advisory_xact_lock(hashtext('stations'))`
        const [row] = await tx<{ count: number; exists: boolean }[]>`
          select count(*)::int as count, bool_or(id = ${id}) as exists from stations`
        if (!row?.exists && (row?.count ?? 0) >= stationLimits.count) {
          throw new Refusal(409, 'too_many_stations', `a menu has at most ${stationLimits.count} stations`)
        }
        await tx`
          insert into stations (id, name, location, position)
          values (${id}, ${tx.json(body.name)}, ${body.location ? tx.json(body.location) : null},
            (select coalesce(max(position), 0) + 10 from stations))
          on conflict (id) do update set name = excluded.name, location = excluded.location, updated_at = now()`
        return { station: await findStation(tx, id), created: !row?.exists }
      })
      return c.json({ station }, created ? 201 : 200)
    })
    .delete(routes.station, async (c) => {
      bar(c.req.header('authorization'))
      const id = c.req.param('stationId')
      if (!v.is(StationIdSchema, id)) throw new Refusal(404, 'not_found', 'no such station')
      await changeMenu(async (tx) => {
        const [used] = await tx<{ drinks: string[] | null }[]>`
          select array_agg(id order by id) as drinks from drinks where station = ${id}`
        if (used?.drinks) {
          throw new Refusal(
            409,
            'station_in_use',
            `drinks of this station: ${used.drinks.join(', ')}; move them to another station first`,
          )
        }
        const deleted = await tx`delete from stations where id = ${id} returning id`.catch(
          (error: { code?: string }) => {
            // A drink moved to it meanwhile: its foreign key holds the station.
            if (error.code === '23503')
              throw new Refusal(409, 'station_in_use', 'a drink was just moved to this station')
            throw error
          },
        )
        if (deleted.length === 0) throw new Refusal(404, 'not_found', 'no such station')
      })
      return c.body(null, 204)
    })
}
