/**
 * The bundles as the image runs them: plain `node dist/…`, from a folder with no node_modules
 * above it, against the test database and a real broker.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../contract/index.ts'
import { pushRoutes } from '../contract/push-routes.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { openApiDocument } from '../functions/shared/openapi.ts'
import { functions } from '../hono.config.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { newVapidKeys } from '../runtime/push/vapid.ts'
import { bundle } from '../scripts/bundle.ts'
import { testDatabaseUrl, testSql } from '../test/db.ts'
import { connectClient, startTestBroker, type TestBroker, testTokenEnv, testTokens } from '../test/harness.ts'
import { type PodProcess, startPod, startProcess, waitForStatus } from '../test/processes.ts'
import { scrape } from '../test/prometheus.ts'

let dir: string
let broker: TestBroker
const pods: PodProcess[] = []

const vapid = newVapidKeys()
/** What a browser's push subscription looks like (`PushSubscription.toJSON()`). */
const browserSubscription = {
  endpoint: 'https://fcm.googleapis.com/fcm/send/kube',
  keys: { p256dh: newVapidKeys().publicKey, auth: randomBytes(16).toString('base64url') },
}
/** The Secrets a pod gets: the tokens and the Web Push keys. */
const tokens = {
  ...testTokenEnv,
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drinks-dist-'))
  const sql = testSql({ max: 1 })
  await migrateFunctions(sql)
  await sql.end({ timeout: 5 })
  ;[broker] = await Promise.all([startTestBroker(), bundle({ outDir: join(dir, 'dist') })])
})

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.stop()))
  await broker?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Starts `dist/<file>` with the env a function pod gets, on a free port; `nodeArgs` before the file. */
async function startFunction(name: string, nodeArgs: string[] = []) {
  const port = await anyFreePort()
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: testDatabaseUrl(),
    BROKER_URL: broker.url,
    PORT: String(port),
    ...tokens,
  }
  const file = `dist/functions/${name}.cjs`
  const pod =
    nodeArgs.length > 0
      ? startProcess(process.execPath, [...nodeArgs, file], { cwd: dir, env, inheritEnv: false })
      : startPod(file, { cwd: dir, env })
  pods.push(pod)
  const url = `http://127.0.0.1:${port}`
  // Ready means Postgres answered and the schema is migrated; the broker is not waited for.
  await waitForStatus(pod, `${url}/api/readyz`)
  return { pod, url }
}

const json = { 'content-type': 'application/json' }

/** Other suites share the database and may have sold a drink out. */
async function availableDrink(): Promise<string> {
  const sql = testSql({ max: 1 })
  try {
    const [drink] = await sql<{ id: string }[]>`select id from drinks where available order by position limit 1`
    if (!drink) throw new Error('every drink is sold out in the test database')
    return drink.id
  } finally {
    await sql.end({ timeout: 5 })
  }
}

it('bundles every function of hono.config.ts, the broker, the migration and the client server', async () => {
  const files = await readdir(join(dir, 'dist'), { recursive: true })
  for (const fn of functions) {
    for (const file of [`${fn.name}.cjs`, `${fn.name}.code.cjs`, `${fn.name}.code-cache`]) {
      expect(files).toContain(join('functions', file))
    }
  }
  expect(files).toEqual(expect.arrayContaining(['broker.mjs', 'migrate.mjs', 'client-server.mjs']))
  expect(files).toContain(join('functions', 'shared', 'migrations', '001_menu.sql'))
})

it('keeps each function bundle under 250 KiB: what a pod compiles when it wakes from zero', async () => {
  for (const fn of functions) {
    const size = (await stat(join(dir, 'dist', 'functions', `${fn.name}.code.cjs`))).size
    expect(size, fn.name).toBeLessThanOrEqual(250 * 1024)
  }
})

/**
 * The places the broker's dependencies read a function's or class's name, each reviewed: the
 * broker's bundle is built without keepNames (scripts/bundle.ts), so a class it renamed would
 * answer to its new name there.
 */
const reviewedNameReads: [RegExp, string][] = [
  [/data\.constructor\.name==="(?:En|De)coderBuffer"/, 'asn1.js (Web Push keys), after an instanceof of its own class'],
  [/setup\.constructor\.name!=="AsyncFunction"/, "Aedes: a built-in's name"],
  [
    /(?:replacement|actual|value|_actual\$constructor|_value\$constructor)\.constructor\.name|\$constructor\.name[?)]/,
    'error messages only',
  ],
  [/let name=input\.constructor\.name/, "the ticket encoder's image input: the broker's tickets are text only"],
]
/** The comparisons of a name with a string among those reads, and a built-in error's name. */
const reviewedComparisons = [
  'constructor.name==="DecoderBuffer',
  'constructor.name==="EncoderBuffer',
  'constructor.name!=="AsyncFunction',
  'err.name!=="AbortError',
]
/** postgres.js and web-push name their errors after their class, which keeps its name here. */
const errorNaming = /this\.name=this\.constructor\.name/

it('reads no function or class name in the functions and the broker but where reviewed: they are built without keepNames', async () => {
  const files = [...functions.map((fn) => `functions/${fn.name}.code.cjs`), 'broker.mjs']
  for (const file of files) {
    const code = await readFile(join(dir, 'dist', file), 'utf8')
    for (const match of code.matchAll(/constructor\.name/g)) {
      const around = code.slice(Math.max(0, match.index - 60), match.index + 40)
      if (errorNaming.test(around)) continue
      const reviewed = reviewedNameReads.find(([pattern]) => pattern.test(around))
      expect(reviewed, `${file}: ${around}`).toBeDefined()
    }
    // Comparisons of a `.name` with a string: only the reviewed ones.
    const compared = [...code.matchAll(/[\w$]+\.name\s*[!=]==?\s*["'`]\w+/g)].map(([text]) => text)
    const unreviewed = compared.filter((text) => !reviewedComparisons.includes(text))
    expect(unreviewed, file).toEqual([])
    // The error classes that name themselves keep their names.
    for (const [, name] of code.matchAll(
      /([\w$]+)=class extends Error\{constructor\(\w+\)\{super\([\w.]+\),this\.name=/g,
    )) {
      expect(name, file).not.toMatch(/\d$/)
    }
  }
})

it('leaves no package to load from node_modules at run time', async () => {
  // Optional peers that ws and debug try inside try/catch, and do without.
  const optional = new Set(['bufferutil', 'utf-8-validate', 'supports-color'])
  const files = (await readdir(join(dir, 'dist'), { recursive: true })).filter((file) => /\.[cm]js$/.test(file))
  for (const file of files) {
    const code = await readFile(join(dir, 'dist', file), 'utf8')
    const required = [...code.matchAll(/\brequire\d*\("([^"]+)"\)/g)].map((match) => match[1] as string)
    const packages = required.filter((name) => !isBuiltin(name) && !optional.has(name))
    expect(packages, file).toEqual([])
  }
})

it('dist/migrate.mjs finds its SQL files beside the bundle and applies the schema', async () => {
  const pod = startPod('dist/migrate.mjs', { cwd: dir, env: { DATABASE_URL: testDatabaseUrl() } })
  expect(await pod.exited, pod.output()).toBe(0)
  expect(pod.output()).toMatch(/applied|up to date/)
})

it('dist/functions/menu.cjs serves the OpenAPI document the contract makes', async () => {
  const { url } = await startFunction('menu')
  const res = await fetch(`${url}${routes.openapi}`)
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())))
})

// Not `$name.cjs`: vitest reads that as the property `cjs` of the name.
describe.each(functions.map((fn) => [fn.name, fn] as const))('dist/functions/%s.cjs', (_name, fn) => {
  it('starts alone beside Postgres and the broker, and serves its routes', async () => {
    const { url } = await startFunction(fn.name)
    expect((await fetch(`${url}/api/healthz`)).status).toBe(200)
    const drinkId = await availableDrink()
    const guestId = randomUUID()
    // Made, then removed again, by the station routes.
    const stationId = `kube-${randomUUID().slice(0, 8)}`
    const station = { name: { en: 'Kube', de: 'Kube', fr: 'Kube', it: 'Kube' } }
    // A CloudPRNT printer registered first (POST), then asking for its settings with its credentials.
    const mac = (randomUUID().replaceAll('-', '').slice(0, 12).match(/../g) ?? []).join(':')
    let printer = ''
    for (const route of fn.routes) {
      const cloudprnt = route.path.startsWith('/api/cloudprnt')
      let path = route.path
        .replace(':id', randomUUID())
        .replace(':drinkId', drinkId)
        .replace(':stationId', stationId)
        .replace(':mac', mac)
      const headers: Record<string, string> = { ...json, authorization: `Bearer ${testTokens.barToken}` }
      if (route.path === routes.events) {
        // A new event would move every suite on this shared database to it: a nameless one,
        // refused by the function, shows the route reaches it.
        const refused = await fetch(`${url}${path}`, { method: route.method, headers, body: '{}' })
        expect(refused.status).toBe(400)
        expect(await refused.json()).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'name' }] } })
        continue
      }
      if (route.path.endsWith('cloudprnt-setting.json')) {
        path += `?mac=${encodeURIComponent(mac)}`
        headers.authorization = `Basic ${Buffer.from(printer).toString('base64')}`
      }
      const body =
        route.path === pushRoutes.subscriptions
          ? JSON.stringify({ guestId, ...browserSubscription, language: 'en' })
          : route.method === 'POST'
            ? JSON.stringify(cloudprnt ? { mac, station: 'all' } : { guestId, nickname: 'Kube', drinkId })
            : route.method === 'GET' || route.method === 'DELETE'
              ? undefined
              : JSON.stringify(
                  route.path.startsWith('/api/stations')
                    ? station
                    : route.path.startsWith('/api/menu')
                      ? { available: true }
                      : { status: 'preparing' },
                )
      const response = await fetch(`${url}${path}`, { method: route.method, headers, body })
      if (cloudprnt && route.method === 'POST') {
        const { credentials } = (await response.clone().json()) as {
          credentials: { username: string; password: string }
        }
        printer = `${credentials.username}:${credentials.password}`
      }
      // An order id made up here is unknown (404); everything else must succeed.
      expect([200, 201, 204, 404], `${route.method} ${path}: ${await response.clone().text()}`).toContain(
        response.status,
      )
      if (route.method === 'POST') expect(response.status).toBe(201)
    }
    // What Prometheus scrapes on the pod: the requests just made, and Node's own metrics.
    const metrics = await scrape(`${url}/metrics`)
    for (const route of fn.routes) {
      expect(metrics.value('drinks_http_requests_total', { method: route.method, route: route.path })).toBe(1)
    }
    expect(metrics.has('process_cpu_seconds_total')).toBe(true)
    expect(metrics.has('process_resident_memory_bytes')).toBe(true)
    expect(metrics.has('drinks_outbox_oldest_age_seconds')).toBe(true)
  })
})

it("dist/functions/place-order.cjs places an order without loading Node's fetch classes (undici): 12 MB and tens of ms a pod does not pay", async () => {
  // Says at exit which of Node's own modules the process loaded.
  const probe = join(dir, 'loaded-modules.mjs')
  await writeFile(
    probe,
    "process.on('exit', () => console.log('undici loaded: ' + process.moduleLoadList.some((m) => m.includes('undici'))))\n",
  )
  const { pod, url } = await startFunction('place-order', ['--import', probe])
  const order = { guestId: randomUUID(), nickname: 'Lean', drinkId: await availableDrink() }
  const placed = await fetch(`${url}${routes.orders}`, { method: 'POST', headers: json, body: JSON.stringify(order) })
  expect(placed.status).toBe(201)
  expect((await fetch(`${url}/metrics`)).status).toBe(200)
  pod.child.kill('SIGTERM')
  expect(await pod.exited, pod.output()).toBe(0)
  expect(pod.output()).toContain('undici loaded: false')
  // Node's own flags leave V8 the code cache the bundler made (functions/shared/code-cache.ts).
  expect(pod.output()).not.toMatch(/code cache/)
})

it('dist/functions/place-order.cjs started with a V8 flag says its code cache does not fit, and serves all the same', async () => {
  const { pod, url } = await startFunction('place-order', ['--max-semi-space-size=1'])
  const order = { guestId: randomUUID(), nickname: 'Flagged', drinkId: await availableDrink() }
  const placed = await fetch(`${url}${routes.orders}`, { method: 'POST', headers: json, body: JSON.stringify(order) })
  expect(placed.status).toBe(201)
  expect(pod.output()).toMatch(/the code cache was rejected .*compiling the bundle instead/)
})

describe('dist/functions/place-order.cjs on SIGTERM', () => {
  it('finishes the request in flight, then exits 0', async () => {
    const { pod, url } = await startFunction('place-order')
    const drinkId = await availableDrink()
    const body = Buffer.from(JSON.stringify({ guestId: randomUUID(), nickname: 'Last call', drinkId }))
    const { port } = new URL(url)
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/orders',
          headers: { ...json, 'content-length': body.length },
        },
        (res) => {
          let text = ''
          res.on('data', (chunk) => {
            text += chunk
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      // Half the body now, the rest after SIGTERM: the request is in flight when the pod is told to stop.
      req.write(body.subarray(0, 10))
      setTimeout(() => {
        pod.child.kill('SIGTERM')
        setTimeout(() => req.end(body.subarray(10)), 300)
      }, 200)
    })
    const { status, body: text } = await answer
    expect(status, text).toBe(201)
    expect(await pod.exited, pod.output()).toBe(0)
    expect(pod.output()).toMatch(/SIGTERM/)
  })
})

describe('dist/broker.mjs', () => {
  it('serves MQTT over TCP and its health on HTTP, and exits 0 on SIGTERM', async () => {
    const [mqttPort, port] = [await anyFreePort(), await anyFreePort()]
    const pod = startPod('dist/broker.mjs', {
      cwd: dir,
      env: {
        NODE_ENV: 'production',
        MQTT_PORT: String(mqttPort),
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl(),
        ...tokens,
      },
    })
    pods.push(pod)
    await waitForStatus(pod, `http://127.0.0.1:${port}/api/healthz`)
    const client = await connectClient(`mqtt://127.0.0.1:${mqttPort}`, {
      username: 'service',
      password: testTokens.serviceToken,
    })
    expect(client.connected).toBe(true)
    const metrics = await scrape(`http://127.0.0.1:${port}/metrics`)
    expect(metrics.value('drinks_mqtt_clients', { role: 'service' })).toBe(1)
    expect(metrics.has('drinks_broker_bus_peers')).toBe(true)
    await client.endAsync()
    expect(await pod.stop(), pod.output()).toBe(0)
  })
})

describe('dist/client-server.mjs', () => {
  it('serves the page, its assets and /config.json, and exits 0 on SIGTERM', async () => {
    const client = join(dir, 'client-dist')
    await mkdir(join(client, 'assets'), { recursive: true })
    await writeFile(join(client, 'index.html'), '<!doctype html><title>Drinks</title>')
    await writeFile(join(client, 'assets', 'index-abc123.js'), 'console.log(1)')
    const port = await anyFreePort()
    const pod = startPod('dist/client-server.mjs', {
      cwd: dir,
      env: {
        PORT: String(port),
        CLIENT_DIR: client,
        PUBLIC_URL: 'https://drinks.test',
        EVENT_NAME: 'Test night',
        WAIT_MINUTES: '2,4,6',
      },
    })
    pods.push(pod)
    const url = `http://127.0.0.1:${port}`
    await waitForStatus(pod, `${url}/api/healthz`)
    const page = await fetch(`${url}/`)
    expect(await page.text()).toContain('<title>Drinks</title>')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    const asset = await fetch(`${url}/assets/index-abc123.js`)
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect(await (await fetch(`${url}/config.json`)).json()).toEqual({
      publicUrl: 'https://drinks.test',
      eventName: 'Test night',
      waitMinutes: [2, 4, 6],
      undoSeconds: 5,
    })
    const api = await fetch(`${url}/api/orders`)
    expect(api.status).toBe(404)
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } })
    // The public route sends /metrics here: the page has none to give.
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain('drinks_')
    expect(await pod.stop(), pod.output()).toBe(0)
  })
})
