import { mqttPath } from '../../../contract/routes.ts'

/** The WebSocket address of the broker: `/mqtt` on the page's own host. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${mqttPath}`
}
