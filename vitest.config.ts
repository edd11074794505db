import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{contract,functions,broker,client,server,db,k8s,printer,runtime,test}/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Suites share one database and a few spawn processes; two cores do not gain from more.
    maxWorkers: 2,
  },
})
