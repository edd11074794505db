/** `npm run migrate`: applies every part's migrations to DATABASE_URL (the Kubernetes migration Job runs this). */
import postgres from 'postgres'
import { migrateBroker } from '../broker/migrations/index.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { readEnv } from '../runtime/config.ts'

let url: string
try {
  url = readEnv().required('DATABASE_URL', 'the migrations apply to that database')
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
const sql = postgres(url, { max: 1, onnotice: () => {} })
try {
  const applied = [...(await migrateFunctions(sql)), ...(await migrateBroker(sql))]
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date')
} catch (error) {
  console.error(`migration failed: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  await sql.end({ timeout: 5 })
}
