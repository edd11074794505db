/**
 * Production code never imports test code: a module that does would ship test helpers (and their
 * dependencies) in a bundle, or run a test's setup in a pod. Test code is `*.test.ts(x)`,
 * `*.node-test.ts`, and everything under `test/`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const skipped = new Set(['node_modules', 'dist', '.data', '.git'])

/** The repository's TypeScript files, relative to its root. */
function sourceFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative(root, path)] : []
  })
}

/** Whether a file, relative to the root, is test code. */
function isTestCode(file: string): boolean {
  return file.startsWith(`test/`) || /\.(test|node-test)\.tsx?$/.test(file)
}

/**
 * Benchmarks and the page's measuring scripts are run from a checkout like the tests, never
 * deployed or bundled, so they may use the test helpers (processes, statistics, the browser).
 */
function isMeasuring(file: string): boolean {
  return (
    file.startsWith('bench/') ||
    /^[a-z]+\/bench\//.test(file) ||
    /^client\/(lighthouse|budget|first-paint)\.ts$/.test(file)
  )
}

/** The relative modules a source imports, statically, dynamically or by re-export. */
function relativeImports(source: string): string[] {
  const specifiers = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)
  return [...specifiers].map((match) => match[1] as string)
}

test('no production module imports test code', () => {
  const offences = sourceFiles()
    .filter((file) => !isTestCode(file) && !isMeasuring(file))
    .flatMap((file) =>
      relativeImports(readFileSync(join(root, file), 'utf8'))
        .map((specifier) => relative(root, resolve(root, dirname(file), specifier)))
        .filter(isTestCode)
        .map((target) => `${file} imports ${target}`),
    )
  expect(offences).toEqual([])
})

/** The modules each source imports, relative to the root, over the whole repository. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles()
  return new Map(
    files.map((file) => [
      file,
      relativeImports(readFileSync(join(root, file), 'utf8')).map((specifier) =>
        relative(root, resolve(root, dirname(file), specifier)),
      ),
    ]),
  )
}

/** One cycle through each strongly connected group of `graph`, as the files in order. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next) && graph.has(next)) visit(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return found
}

test('no import cycles, type-only and lazy imports included', () => {
  expect(cycles(importGraph()).map((cycle) => cycle.join(' → '))).toEqual([])
})

test('the cycle check finds a cycle through a lazy import', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ])
  expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
})

test('the check sees each form of import', () => {
  const source = [
    "import { a } from '../test/harness.ts'",
    "import type { B } from './b.test.ts'",
    "export { c } from '../../test/db.ts'",
    "import './side-effect.ts'",
    "const d = await import('./lazy.ts')",
    "import { e } from 'vitest'",
  ].join('\n')
  expect(relativeImports(source)).toEqual([
    '../test/harness.ts',
    './b.test.ts',
    '../../test/db.ts',
    './side-effect.ts',
    './lazy.ts',
  ])
  expect(['test/db.ts', 'printer/bridge.test.ts', 'broker/persistence/abstract.node-test.ts'].every(isTestCode)).toBe(
    true,
  )
  expect(['printer/bridge.ts', 'client/src/models/latest.ts'].some(isTestCode)).toBe(false)
})
