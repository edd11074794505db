// The guest page's service worker. It keeps the page for a visit without a connection, and it
// shows "your drink is ready" while the page is in the background or closed (phones show a
// notification only through a service worker).
//
// `build` is written in by the build (client/build/service-worker.ts): the build's id, and every
// file the guest page loads, each with the SHA-256 of its content when its name carries no hash.
// One cache per build, so two builds never mix:
// - install fetches the whole list into `drinks-<id>`; a file whose content is not this build's
//   (the server is already on the next one) fails the install, and the next visit tries again;
// - activate deletes every other cache but the data one;
// - a page load goes to the network first, so an online visit always gets the newest page (and,
//   through it, the newest build); this build's page answers only when no server does;
// - the build's files come from the cache: their names change with their content;
// - `GET /api/menu` and `/config.json` go to the network first, and their last good answer is
//   kept for a visit without a connection. No other API answer is ever served from a cache:
//   the guest's orders come from the page's own storage, marked there as last known.
// Served raw by the dev server, `build` stays null and nothing is cached.
const build = null

// Web Push: the `push`, `notificationclick`, `pushsubscriptionchange` and `message` handlers.
importScripts('/sw-push.js')

const buildCache = build && `drinks-${build.id}`
const dataCache = 'drinks-data'
const buildFiles = new Map(build?.files)
/** Kept from their last good answer, served only when the network gives none. */
const lastGood = new Set(['/api/menu', '/config.json'])
const shell = '/index.html'

self.addEventListener('install', (event) => {
  self.skipWaiting()
  if (build) event.waitUntil(precache())
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys()
      await Promise.all(names.filter((n) => n !== buildCache && n !== dataCache).map((n) => caches.delete(n)))
      // The page's request starts while the worker wakes up, rather than after.
      if (build) await self.registration.navigationPreload?.enable()
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const { request } = event
  if (!build || request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.mode === 'navigate' && !url.pathname.startsWith('/api/')) event.respondWith(page(event))
  else if (buildFiles.has(url.pathname)) event.respondWith(fromBuild(request, url.pathname))
  else if (lastGood.has(url.pathname)) event.respondWith(networkFirst(request, url.pathname))
})

async function precache() {
  const cache = await caches.open(buildCache)
  await Promise.all(
    build.files.map(async ([path, sha256]) => {
      // A hashed file may come from the HTTP cache (the page has just loaded most of them);
      // the others are asked of the server again and checked against this build.
      const response = await fetch(path, { cache: sha256 ? 'no-cache' : 'default' })
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
      if (sha256 && (await digest(response.clone())) !== sha256) throw new Error(`${path} is not of build ${build.id}`)
      await cache.put(path, response)
    }),
  )
  // The page asked for these before this worker was there; a visit offline needs them.
  await Promise.all([...lastGood].map((path) => networkFirst(new Request(path), path).catch(() => {})))
}

async function digest(response) {
  const hash = await crypto.subtle.digest('SHA-256', await response.arrayBuffer())
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('')
}

const cached = (path, cacheName) => caches.match(path, { cacheName, ignoreVary: true })

/** No connection, or no server (5xx from the gateway): what the page can do without one. */
const unreachable = (response) => response.status >= 500

async function page(event) {
  try {
    const response = (await event.preloadResponse) ?? (await fetch(event.request))
    if (!unreachable(response)) return response
    return (await cached(shell, buildCache)) ?? response
  } catch {
    return (await cached(shell, buildCache)) ?? Response.error()
  }
}

async function fromBuild(request, path) {
  return (await cached(path, buildCache)) ?? fetch(request)
}

async function networkFirst(request, path) {
  let response
  try {
    response = await fetch(request)
  } catch {
    return (await cached(path, dataCache)) ?? Response.error()
  }
  if (response.ok) await (await caches.open(dataCache)).put(path, response.clone())
  else if (unreachable(response)) return (await cached(path, dataCache)) ?? response
  return response
}
