/** Load generators of the order-path bench: wrk at saturation, and an open loop at a fixed rate. */
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const hasWrk = spawnSync('wrk', ['--version']).error === undefined

/**
 * Each request a new guest (so the open-order limit never refuses), its send time (LuaJIT's
 * ffi reads the wall clock) in the note. Counts 201 and 503 answers over every thread.
 */
const wrkScript = `
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local now = ffi.new("bench_timespec")
local function epoch_ms()
  ffi.C.clock_gettime(0, now)
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end
local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() created = 0; overloaded = 0 end
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
request = function()
  return wrk.format(nil, "/api/orders", nil, string.format(
    '{"guestId":"%s","nickname":"Bench","drinkId":"coffee","note":"t%.1f"}', uuid(), epoch_ms()))
end
response = function(status)
  if status == 201 then created = created + 1 elseif status == 503 then overloaded = overloaded + 1 end
end
done = function()
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("overloaded") end
  io.write(string.format("STATUSES %d %d\\n", c, o))
end
`

export interface WrkRun {
  /** Answers per second, whatever their status. */
  perSecond: number
  created: number
  overloaded: number
  /** Neither 201 nor 503, and socket errors. */
  other: number
}

/**
 * wrk with `connections` connections on one thread for `seconds` against `baseUrl`/api/orders.
 * Spawned, not run synchronously: the bar subscriber in this process must keep reading meanwhile.
 */
export async function wrk(baseUrl: string, connections: number, seconds: number): Promise<WrkRun> {
  const script = join(tmpdir(), 'bench-place-order.lua')
  writeFileSync(script, wrkScript)
  const out = await output('wrk', [
    '-t',
    '1',
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '-s',
    script,
    `${baseUrl}/api/orders`,
  ])
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  const [, created = '0', overloaded = '0'] = /STATUSES (\d+) (\d+)/.exec(out) ?? []
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  return {
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    created: Number(created),
    overloaded: Number(overloaded),
    other: requests - Number(created) - Number(overloaded) + socketErrors,
  }
}

/** What `command` printed on stdout, once it exited 0. */
function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))))
  })
}

/** The open loop of open-loop.ts in its own process; resolves to the count of each status. */
export async function openLoop(
  baseUrl: string,
  rate: number,
  seconds: number,
): Promise<{ statuses: Record<string, number>; answeredMs: number[]; refusedMs: number[] }> {
  const out = await output(process.execPath, [
    '--import',
    'tsx',
    'bench/open-loop.ts',
    baseUrl,
    String(rate),
    String(seconds),
  ])
  const { answeredMs, refusedMs, ...statuses } = JSON.parse(out) as Record<string, number> & {
    answeredMs: number[]
    refusedMs: number[]
  }
  return { statuses, answeredMs, refusedMs }
}

/** A bare node:http server that parses the same JSON and answers it, as the baseline. */
export const bareServer = `
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
createServer((req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk) => { body += chunk })
  req.on('end', () => {
    const order = { id: randomUUID(), ...JSON.parse(body), status: 'placed', createdAt: new Date().toISOString() }
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ order }))
  })
}).listen(Number(process.env.PORT), '127.0.0.1')
`
