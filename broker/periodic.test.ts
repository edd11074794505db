import { expect, test } from 'vitest'
import { waitFor } from '../test/wait.ts'
import { startPeriodic } from './periodic.ts'

test('a round failing the same way again and again is logged once, and once more when it works again', async () => {
  const lines: string[] = []
  const log = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line), error: () => {} }
  const outcomes = ['down', 'down', 'down', 'other', 'ok', 'ok']
  let rounds = 0
  const periodic = startPeriodic({
    name: 'relay',
    intervalMs: 1,
    log,
    round: async () => {
      const outcome = outcomes[rounds++] ?? 'ok'
      if (outcome !== 'ok') throw new Error(outcome)
    },
  })
  await waitFor(() => rounds >= outcomes.length, 5000, 'every round')
  await periodic.stop()
  expect(lines).toEqual(['relay: down', 'relay: other', 'relay works again'])
})
