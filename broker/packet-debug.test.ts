/**
 * mqtt-packet's debug output is switched off at load unless DEBUG names it (patches/): an
 * operator who sets DEBUG still sees every step of the parser.
 */
import { spawnSync } from 'node:child_process'
import { expect, test } from 'vitest'

const parseOne = `
const mqtt = require('mqtt-packet')
const parser = mqtt.parser()
parser.on('packet', (packet) => console.log(packet.cmd, packet.topic))
parser.parse(mqtt.generate({ cmd: 'publish', topic: 'public/menu', payload: 'x', qos: 0 }))
`

function run(debug: string | undefined) {
  const env = { ...process.env, DEBUG: debug }
  if (debug === undefined) delete env.DEBUG
  return spawnSync(process.execPath, ['-e', parseOne], { env, encoding: 'utf8' })
}

test('DEBUG=mqtt-packet:* logs the parser at work', () => {
  const { stdout, stderr } = run('mqtt-packet:*')
  expect(stdout).toBe('publish public/menu\n')
  expect(stderr).toContain('mqtt-packet:parser _parseHeader')
  expect(stderr).toContain('mqtt-packet:writeToStream generate: packet.cmd: publish')
})

test('without DEBUG the parser is silent', () => {
  const { stdout, stderr } = run(undefined)
  expect(stdout).toBe('publish public/menu\n')
  expect(stderr).toBe('')
})
