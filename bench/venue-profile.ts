/** Where a process spent its CPU in a time window, from the `.cpuprofile` that `--cpu-prof` wrote. */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Where a script lives: a package of node_modules, a file of ours, or Node itself. */
function owner(url: string): string {
  if (!url) return '(native, GC)'
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (inModules) return inModules[1] as string
  if (url.startsWith('node:')) return 'node internals'
  const ours = /\/((?:broker|runtime|contract|functions)\/.*)$/.exec(url)
  return ours ? (ours[1] as string) : url
}

/** Self time per function and per package, of the busy time in the profile `file`. */
export function summariseProfile(file: string, title: string, top = 12): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const perFunction = new Map<string, number>()
  const perOwner = new Map<string, number>()
  let total = 0
  let samples = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    const frame = byId.get(id)?.callFrame
    samples += delta
    // Shares of the time the broker was busy: idle is the rest.
    if (!frame || frame.functionName === '(idle)') return
    total += delta
    const name = frame.functionName || '(anonymous)'
    const key = frame.url ? `${name} ${owner(frame.url)}:${frame.lineNumber + 1}` : name
    perFunction.set(key, (perFunction.get(key) ?? 0) + delta)
    const who = owner(frame.url)
    perOwner.set(who, (perOwner.get(who) ?? 0) + delta)
  })
  if (total === 0) return `the profile ${file} has no samples`
  const table = (map: Map<string, number>) =>
    [...map]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([what, us]) => `| ${what} | ${((us / total) * 100).toFixed(1)}% |`)
      .join('\n')
  return [
    `\n${title}: busy ${(total / 1e6).toFixed(1)} s of ${(samples / 1e6).toFixed(1)} s; shares of the busy time:`,
    '\n| by package or file | share |\n| --- | ---: |',
    table(perOwner),
    '\n| by function (self time) | share |\n| --- | ---: |',
    table(perFunction),
  ].join('\n')
}
