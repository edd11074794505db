import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

export interface ClientConfig {
  /** The address the QR poster points to. */
  publicUrl: string
  eventName: string
}

export interface ClientAppOptions {
  /** Folder of the built client (`client/dist`). */
  dir: string
  /** What `/config.json` tells the page; read per request. */
  config: () => ClientConfig
}

/**
 * Serves the built page with security headers, and `/config.json` for what it learns at run
 * time. The policy allows only what the page uses: its own scripts, styles and images, and
 * its own origin for the API and MQTT over WebSocket.
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
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
    }),
  )
  app.get('/config.json', (c) => c.json(config()))
  // Every view is the one page (`/?bar`, `/?qr`, …); the rest are its assets.
  app.get('/', serveStatic({ root: dir, path: 'index.html' }))
  app.use(
    '/assets/*',
    serveStatic({
      root: dir,
      // File names carry a content hash: cache them for good.
      onFound: (_, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
    }),
  )
  app.use('/*', serveStatic({ root: dir }))
  return app
}
