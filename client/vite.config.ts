import { fileURLToPath } from 'node:url'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

// `npx vite build client` writes client/dist, which the server serves with the API on the same
// origin. `npx vite client` serves the page with hot reload and passes the API, `/config.json`
// and MQTT over WebSocket on to a server already running (`npm start`), by default on :8080.
const backend = process.env.DRINKS_SERVER ?? 'http://localhost:8080'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every browser the page targets knows modulepreload; the polyfill would cost first-paint bytes.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': backend,
      '/config.json': backend,
      '/mqtt': { target: backend, ws: true },
    },
  },
})
