/**
 * Preloaded into a broker by the venue bench (`NODE_OPTIONS=--import …`, where `--cpu-prof` is
 * not allowed): SIGUSR2 starts V8's CPU profiler, the next SIGUSR2 writes the profile to
 * `$VENUE_PROFILE_DIR/broker-<pid>-<n>.cpuprofile`, so the profile covers exactly the window measured.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'

const dir = process.env.VENUE_PROFILE_DIR
if (dir) {
  const session = new Session()
  session.connect()
  let running = false
  let written = 0
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true
      session.post('Profiler.enable', () => session.post('Profiler.start'))
      return
    }
    running = false
    session.post('Profiler.stop', (error, result) => {
      if (error) console.error(`profiler: ${error.message}`)
      else writeFileSync(join(dir, `broker-${process.pid}-${++written}.cpuprofile`), JSON.stringify(result.profile))
    })
  })
}
