import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{contract,functions,broker,client,server,db,k8s,printer,runtime,test}/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // A poll waits for what a user would see; 1 s (vitest's default) is too short for a page on
    // a busy two-core machine, where a full run keeps both cores and the browser busy.
    expect: { poll: { timeout: 5_000 } },
    // Suites share one database and a few spawn processes; two cores do not gain from more.
    maxWorkers: 2,
  },
})
