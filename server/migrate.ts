/**
 * `npm run migrate`: applies every part's migrations to DATABASE_URL (the Kubernetes migration Job
 * runs this), and names the first event after EVENT_NAME while it is the only one.
 */
import postgres from 'postgres'
import { migrateBroker } from '../broker/migrations/index.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { nameFirstEvent } from '../functions/shared/events.ts'
import { readEnv } from '../runtime/config.ts'

let url: string
let eventName: string
try {
  const read = readEnv()
  url = read.required('DATABASE_URL', 'the migrations apply to that database')
  eventName = read.text('EVENT_NAME', 'Drinks')
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
const sql = postgres(url, { max: 1, onnotice: () => {} })
try {
  const applied = [...(await migrateFunctions(sql)), ...(await migrateBroker(sql))]
  // The first event takes its name from EVENT_NAME, as the pages showed it before events existed.
  await nameFirstEvent(sql, eventName)
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date')
} catch (error) {
  console.error(`migration failed: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  await sql.end({ timeout: 5 })
}
