import postgres from 'postgres'

/** Connection string of the throwaway database that `npm test` created for this run. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the suites through `npm test`')
  return url
}

/** A postgres.js pool on the test database; end it in afterAll. */
export function testSql(options: postgres.Options<Record<string, never>> = {}) {
  return postgres(testDatabaseUrl(), { max: 4, onnotice: () => {}, ...options })
}
