import type { SessionOpener, WorkerCommand, WorkerEvent } from './live-session.ts'

/** Runs the MQTT session in a Web Worker (mqtt-worker.ts), and relays its events to the page. */
export const openInWorker: SessionOpener = (config, events) => {
  const worker = new Worker(new URL('./mqtt-worker.ts', import.meta.url), { type: 'module', name: 'mqtt' })
  const send = (command: WorkerCommand) => worker.postMessage(command)
  worker.addEventListener('message', ({ data }: MessageEvent<WorkerEvent>) => {
    switch (data.type) {
      case 'state':
        return events.state(data.state)
      case 'subscribed':
        return events.subscribed()
      case 'message':
        return events.message(data.message)
      case 'warn':
        return events.warn(...data.details)
    }
  })
  // The worker's script did not load (offline?) or broke: this session is over.
  worker.addEventListener('error', (event) => {
    event.preventDefault()
    events.warn('mqtt worker failed', event.message)
    worker.terminate()
    events.failed()
  })
  send({ type: 'open', config })
  return {
    renew: () => send({ type: 'renew' }),
    end() {
      send({ type: 'end' })
      // Closing the worker closes its socket, should it still be open.
      setTimeout(() => worker.terminate(), 1000)
    },
  }
}
