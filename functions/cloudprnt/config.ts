import type { CloudprntOptions } from './index.ts'

/**
 * Where CloudPRNT printers are told to find the broker, from the environment, read once:
 * `CLOUDPRNT_MQTT_HOST` (default: the host the printer asked for its settings),
 * `CLOUDPRNT_MQTT_PORT` (default `mqttPort`, else 1883), `CLOUDPRNT_MQTT_TLS` (`true`/`false`, default false);
 * the Server URL printers are given starts with `PUBLIC_URL` when set.
 */
export function readCloudprntOptions(env: NodeJS.ProcessEnv = process.env, mqttPort = 1883): CloudprntOptions {
  const port = env.CLOUDPRNT_MQTT_PORT ? Number(env.CLOUDPRNT_MQTT_PORT) : mqttPort
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`CLOUDPRNT_MQTT_PORT must be a port number, not "${env.CLOUDPRNT_MQTT_PORT}"`)
  }
  const tls = env.CLOUDPRNT_MQTT_TLS ?? 'false'
  if (tls !== 'true' && tls !== 'false') throw new Error(`CLOUDPRNT_MQTT_TLS must be true or false, not "${tls}"`)
  return {
    mqttPort: port,
    useTls: tls === 'true',
    ...(env.CLOUDPRNT_MQTT_HOST ? { mqttHost: env.CLOUDPRNT_MQTT_HOST } : {}),
  }
}
