/** `npm run migrate`: applies every part's migrations to DATABASE_URL (the Kubernetes migration Job runs this). */
import postgres from 'postgres'
import { migrateBroker } from '../broker/migrations/index.ts'
import { migrateFunctions } from '../functions/shared/db.ts'

const url = process.env.DATABASE_URL
if (!url) {
  console.error('DATABASE_URL is not set')
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
