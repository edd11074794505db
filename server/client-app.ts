import { serveStatic } from '@hono/node-server/serve-static'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { compress } from 'hono/compress'
import { secureHeaders } from 'hono/secure-headers'
import { routes } from '../contract/index.ts'
import { readUndoSeconds } from '../functions/shared/config.ts'
import { type Env, readEnv } from '../runtime/config.ts'

export interface ClientConfig {
  /** The address the QR poster points to; the request's own origin when empty. */
  publicUrl: string
  eventName: string
  /** Minutes of waiting after which the bar sees an order in the next colour. */
  waitMinutes: [number, number, number]
  /** Seconds the bar may undo its last move of an order (0: no undo). */
  undoSeconds: number
}

/**
 * The page's settings from `EVENT_NAME`, `PUBLIC_URL`, `WAIT_MINUTES` (e.g. `3,5,7`) and
 * `UNDO_SECONDS`. Without `PUBLIC_URL` the QR code points to `defaultPublicUrl` (`npm start`:
 * this machine's network address), else to the address the page was opened with.
 */
export function readClientConfig(env: Env = process.env, defaultPublicUrl = ''): ClientConfig {
  const read = readEnv(env)
  const publicUrl = read.parse(
    'PUBLIC_URL',
    defaultPublicUrl,
    (text) => (/^https?:\/\/[^/]/.test(text) ? text : undefined),
    'an http(s) address, like http://192.168.1.20:8080',
  )
  const waitMinutes = read.parse<[number, number, number]>(
    'WAIT_MINUTES',
    [3, 5, 7],
    ascendingMinutes,
    'three ascending numbers of minutes, like 3,5,7',
  )
  return {
    publicUrl: publicUrl.replace(/\/+$/, ''),
    eventName: read.text('EVENT_NAME', 'Drinks'),
    waitMinutes,
    undoSeconds: readUndoSeconds(env),
  }
}

function ascendingMinutes(text: string): [number, number, number] | undefined {
  const minutes = text.split(',').map(Number)
  const ascending = minutes.every((m, i) => m > 0 && (i === 0 || m > (minutes[i - 1] ?? 0)))
  return minutes.length === 3 && ascending ? (minutes as [number, number, number]) : undefined
}

export interface ClientAppOptions {
  /** Folder of the built client (`client/dist`). */
  dir: string
  /** What `/config.json` tells the page; read per request. */
  config: () => ClientConfig
}

/** Vite names assets by content hash, so they never change under their name. */
const immutable = 'public, max-age=31536000, immutable'

/**
 * The built page: its files with security headers and caching, `/config.json` for what it
 * learns at run time, and `/api/healthz` for probes. Other `/api/*` paths answer 404 in the API's
 * error shape, since the ingress sends here every path no function claims.
 *
 * The Content-Security-Policy allows only what the page uses: its own scripts, styles and
 * images, and its own origin for the API and MQTT over WebSocket.
 */
export function createClientApp({ dir, config }: ClientAppOptions): Hono {
  const app = new Hono()
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        manifestSrc: ["'self'"],
        mediaSrc: ["'self'", 'data:'],
        workerSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
    }),
  )
  app.use(compress())
  app.get(routes.healthz, (c) => c.json({ ok: true }))
  app.all('/api/*', (c) =>
    c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  )
  app.get('/config.json', (c) => {
    const settings = config()
    c.header('cache-control', 'no-cache')
    return c.json({ ...settings, publicUrl: settings.publicUrl || requestOrigin(c) })
  })
  // Every view is the one page (`/?bar`, `/?qr`, …); it is revalidated to pick up a new build.
  app.get('/', cacheControl('no-cache'), serveStatic({ root: dir, path: 'index.html', precompressed: true }))
  app.use('/assets/*', cacheControl(immutable), serveStatic({ root: dir, precompressed: true }))
  app.use('/*', cacheControl('no-cache'), serveStatic({ root: dir, precompressed: true }))
  app.notFound((c) => c.text('Not found', 404))
  return app
}

function cacheControl(value: string): MiddlewareHandler {
  return async (c, next) => {
    await next()
    if (c.res.status === 200) c.header('cache-control', value)
  }
}

/** The origin the browser used; TLS ends at the gateway, which says so in `x-forwarded-proto`. */
function requestOrigin(c: Context): string {
  const url = new URL(c.req.url)
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
  return `${proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)}://${url.host}`
}
