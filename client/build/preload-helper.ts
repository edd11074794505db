import type { Plugin } from 'vite'

/**
 * Vite wraps every `import()` of the page in its preload helper, which loads the imported
 * chunk's stylesheets (waiting for them) and preloads its scripts first. Vite's own helper
 * (about 0.65 KB gzip) sits in the entry script, so the guest's first paint waited for it,
 * though the guest's own imports (its language, the order list) have nothing to preload. This
 * one does the same for the staff views in a fifth of the bytes: no file already linked in the
 * page (so each once), stylesheets awaited (a failed one fails the import), scripts as
 * modulepreload, which every browser the page targets knows. Left out: Vite's
 * `vite:preloadError` event, which the page does not listen to, and CSP nonces, which it does
 * not use.
 */
const helper = `
export function __vitePreload(load, deps) {
  return Promise.all(
    (deps ?? []).map((dep) => {
      const link = document.createElement('link')
      link.href = import.meta.env.BASE_URL + dep
      const css = dep.endsWith('.css')
      for (const other of document.querySelectorAll('link'))
        if (other.href === link.href && (!css || other.rel === 'stylesheet')) return
      link.rel = css ? 'stylesheet' : 'modulepreload'
      link.crossOrigin = ''
      document.head.append(link)
      if (css)
        return new Promise((resolve, reject) => {
          link.onload = resolve
          link.onerror = () => reject(new Error('Unable to preload CSS for ' + link.href))
        })
    }),
  ).then(load)
}
`

/** Vite's preload helper replaced by the smaller one above (Vite's module id, our code). */
export function preloadHelper(): Plugin {
  return {
    name: 'drinks:preload-helper',
    apply: 'build',
    enforce: 'pre',
    load(id) {
      if (id === '\0vite/preload-helper.js') return helper
    },
  }
}
