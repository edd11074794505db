import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { OutputBundle, OutputChunk } from 'rolldown'
import type { Plugin } from 'vite'
import { drawIcon } from './png.ts'

/** The glass of the page's favicon (index.html), in its 32×32 box. */
const glass = [
  [6, 4],
  [26, 4],
  [18, 16],
  [18, 26],
  [23, 26],
  [23, 28],
  [9, 28],
  [9, 26],
  [14, 26],
  [14, 16],
] as const
const paper = [0xfb, 0xf7, 0xf0] as const // the page's background and theme colour
const brown = [0x94, 0x4a, 0x1b] as const

/** The home-screen icons that `public/manifest.webmanifest` and index.html name. */
const icons = [
  { fileName: 'icons/icon-192.png', size: 192, scale: 0.8 },
  { fileName: 'icons/icon-512.png', size: 512, scale: 0.8 },
  { fileName: 'icons/maskable-512.png', size: 512, scale: 0.6 },
  { fileName: 'icons/apple-touch-icon.png', size: 180, scale: 0.7 },
]

/** The staff views (bar, board, poster) are reached through this module; guests never load them. */
const staffViews = '/views/staff-views.ts'
/** Where the worker's source says "no build": the line this plugin writes the build into. */
const placeholder = 'const build = null\n'

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** The bundle's chunks that the guest page can load: all but those behind the staff views. */
function guestChunks(bundle: OutputBundle): OutputChunk[] {
  const chunks = new Map(
    Object.values(bundle)
      .filter((file): file is OutputChunk => file.type === 'chunk')
      .map((chunk) => [chunk.fileName, chunk]),
  )
  const seen = new Map<string, OutputChunk>()
  const visit = (fileName: string) => {
    const chunk = chunks.get(fileName)
    if (!chunk || seen.has(fileName) || chunk.facadeModuleId?.endsWith(staffViews)) return
    seen.set(fileName, chunk)
    for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next)
  }
  for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName)
  return [...seen.values()]
}

/**
 * Writes the service worker (`public/sw.js`) with the build in it: the build's id and the list
 * of what the guest page loads (`[path, sha256 | null]`: the hash of a file whose name does not
 * change with its content), and generates the home-screen icons. The id changes with any file
 * of the list, so a new build is a new worker and a new cache; the same sources give the same id.
 */
export function serviceWorker(): Plugin {
  let publicDir = ''
  let assetsDir = 'assets'
  return {
    name: 'drinks:service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir
      assetsDir = config.build.assetsDir
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const files = new Map<string, string | null>()
        for (const icon of icons) {
          const source = drawIcon({ ...icon, shape: glass, background: paper, foreground: brown })
          this.emitFile({ type: 'asset', fileName: icon.fileName, source })
          files.set(`/${icon.fileName}`, sha256(source))
        }
        const chunks = guestChunks(bundle)
        const css = new Set(chunks.flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]))
        const assets = Object.values(bundle).filter(
          (file) =>
            file.type === 'asset' &&
            !file.fileName.startsWith('.vite/') &&
            !file.fileName.endsWith('.map') &&
            (!file.fileName.endsWith('.css') || css.has(file.fileName)),
        )
        for (const chunk of chunks) files.set(`/${chunk.fileName}`, null)
        for (const asset of assets) {
          if (asset.type !== 'asset') continue
          const hashed = asset.fileName.startsWith(`${assetsDir}/`)
          files.set(`/${asset.fileName}`, hashed ? null : sha256(asset.source))
        }
        const source = readFileSync(join(publicDir, 'sw.js'), 'utf8')
        for (const path of filesUnder(publicDir)) {
          const name = relative(publicDir, path).split(sep).join('/')
          if (name !== 'sw.js') files.set(`/${name}`, sha256(readFileSync(path)))
        }
        const list = [...files].sort(([a], [b]) => a.localeCompare(b))
        const id = sha256(JSON.stringify(list)).slice(0, 16)
        if (source.split(placeholder).length !== 2)
          throw new Error(`public/sw.js needs the line "${placeholder.trim()}" once`)
        this.emitFile({
          type: 'asset',
          fileName: 'sw.js',
          source: source.replace(placeholder, `const build = ${JSON.stringify({ id, files: list })}\n`),
        })
      },
    },
  }
}
