import { describe, expect, it } from 'vitest'
import { outdatedManifests, pathMatch, renderManifests } from '../scripts/manifests.ts'

describe('the generated manifests', () => {
  it('match hono.config.ts (run `npm run manifests` after changing it)', async () => {
    expect(await outdatedManifests()).toEqual([])
  })

  it('list every generated function in their kustomization', () => {
    const files = renderManifests()
    const listed = files.get('k8s/base/functions/kustomization.yaml') ?? ''
    const functionFiles = [...files.keys()]
      .filter((path) => path.startsWith('k8s/base/functions/') && !path.endsWith('kustomization.yaml'))
      .map((path) => path.slice('k8s/base/functions/'.length))
    expect(functionFiles.length).toBeGreaterThan(0)
    for (const file of functionFiles) expect(listed).toContain(`- ${file}`)
  })
})

describe('pathMatch', () => {
  it('matches a path without parameters exactly', () => {
    expect(pathMatch('/api/orders')).toEqual({ type: 'Exact', value: '/api/orders' })
  })

  it('matches a path with parameters by the literal segments before the first one', () => {
    expect(pathMatch('/api/orders/:id')).toEqual({ type: 'PathPrefix', value: '/api/orders' })
    expect(pathMatch('/api/menu/:drinkId/image')).toEqual({ type: 'PathPrefix', value: '/api/menu' })
    expect(pathMatch('/:anything')).toEqual({ type: 'PathPrefix', value: '/' })
  })
})
