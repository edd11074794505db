import { expect, test } from 'vitest'
import { maxOutputChars, startProcess, waitForStatus } from './processes.ts'
import { waitFor } from './wait.ts'

test('waitFor resolves once the condition holds, and its timeout names what was awaited', async () => {
  let calls = 0
  await waitFor(() => ++calls >= 3, 1000, 'the third call')
  expect(calls).toBe(3)
  await expect(waitFor(() => false, 50, 'the printer to answer')).rejects.toThrow(
    'waited 50 ms for the printer to answer in vain',
  )
})

test('a started process: its output is collected, and waiting on a process that exits fails with what it said', async () => {
  const script = 'console.log("ready"); setTimeout(() => { console.error("bye"); process.exit(3) }, 100)'
  const child = startProcess(process.execPath, ['-e', script])
  await expect(child.waitForOutput(/ready/, 5000)).resolves.toBeTruthy()
  await expect(waitForStatus(child, 'http://127.0.0.1:9/', undefined, 5000)).rejects.toThrow(/exited with 3:\nready/)
  expect(await child.exited).toBe(3)
})

test('stopping a process group reaches its children', async () => {
  const group = startProcess('sh', ['-c', 'sleep 30 & echo started; wait'], { group: true })
  await group.waitForOutput(/started/, 5000)
  await group.stop('SIGTERM', 5000)
  expect(group.gone()).toBe(true)
})

test("a process's output is kept up to maxOutputChars, the latest of it", async () => {
  const script = `for (let i = 0; i < 30; i++) console.log(String(i).padStart(6, '0') + 'x'.repeat(99_993)); console.log('last')`
  const child = startProcess(process.execPath, ['-e', script])
  expect(await child.exited).toBe(0)
  await waitFor(() => child.output().endsWith('last\n'), 5000, 'the last line')
  expect(child.output().length).toBeLessThanOrEqual(maxOutputChars)
  expect(child.output()).toContain('000029')
  expect(child.output()).not.toContain('000000')
})
