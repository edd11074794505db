/**
 * A process's log lines as its collector reads them from stdout and stderr: every line, in order,
 * also those logged in the turn the process exits in.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const logger = fileURLToPath(new URL('./logger.ts', import.meta.url))

function run(script: string) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, LOG_FORMAT: 'json' },
    timeout: 30_000,
  })
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; part: string; msg: string })
  return { status: child.status, out: lines(child.stdout), err: lines(child.stderr) }
}

test('every line reaches its stream in order, info on stdout, warnings and errors on stderr', () => {
  const { status, out, err } = run(`
    import { createLogger, maxPendingLines } from ${JSON.stringify(logger)}
    const log = createLogger('place-order')
    for (let i = 0; i < maxPendingLines * 2 + 5; i++) log.info('line ' + i)
    log.warn('slow')
    setImmediate(() => log.error('later'))
  `)
  expect(status).toBe(0)
  expect(out.map((line) => line.msg)).toEqual(Array.from({ length: 2005 }, (_, i) => `line ${i}`))
  expect(out.every((line) => line.level === 'info' && line.part === 'place-order')).toBe(true)
  expect(err.map((line) => `${line.level} ${line.msg}`)).toEqual(['warn slow', 'error later'])
})

test('what is logged right before process.exit or an uncaught error is written', () => {
  const exited = run(`
    import { createLogger } from ${JSON.stringify(logger)}
    createLogger('broker').error('cannot start: no database')
    process.exit(3)
  `)
  expect(exited.status).toBe(3)
  expect(exited.err.map((line) => line.msg)).toEqual(['cannot start: no database'])

  const crashed = run(`
    import { createLogger } from ${JSON.stringify(logger)}
    setImmediate(() => {
      createLogger('broker').info('about to fail')
      throw new Error('boom')
    })
  `)
  expect(crashed.status).toBe(1)
  expect(crashed.out.map((line) => line.msg)).toEqual(['about to fail'])
})
