import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { quiet } from '../test/harness.ts'
import { openPrintedLog } from './printed-log.ts'

const aPath = () => join(mkdtempSync(join(tmpdir(), 'printed-log-')), 'state', 'printer.json')

describe('openPrintedLog', () => {
  test('remembers ids across a reopen, and forgets removed ones', async () => {
    const path = aPath()
    const first = openPrintedLog(path, { log: quiet })
    await first.add('a')
    await first.add('b')
    await first.remove('a')
    const again = openPrintedLog(path, { log: quiet })
    expect(again.has('a')).toBe(false)
    expect(again.has('b')).toBe(true)
    expect(again.size).toBe(1)
  })

  test('keeps the newest ids up to its limit', async () => {
    const path = aPath()
    const log = openPrintedLog(path, { limit: 3, log: quiet })
    await Promise.all(['1', '2', '3', '4', '5'].map((id) => log.add(id)))
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ printed: ['3', '4', '5'] })
    expect(openPrintedLog(path, { limit: 2, log: quiet }).has('3')).toBe(false)
  })

  test('leaves no temporary file behind', async () => {
    const path = aPath()
    await openPrintedLog(path, { log: quiet }).add('a')
    expect(readdirSync(join(path, '..'))).toEqual(['printer.json'])
  })

  test('an unreadable file is set aside, and the log starts empty', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'printed-log-')), 'broken.json')
    writeFileSync(broken, '{"printed": [')
    const warnings: string[] = []
    const log = openPrintedLog(broken, { log: { ...quiet, warn: (line: string) => warnings.push(line) } })
    expect(log.size).toBe(0)
    expect(existsSync(broken)).toBe(false)
    expect(warnings[0]).toContain('unreadable')
  })
})
