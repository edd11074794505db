import { loadTokens, type Tokens } from '../../runtime/secrets.ts'

export interface FunctionConfig {
  databaseUrl: string
  brokerUrl: string
  port: number
  tokens: Tokens
}

/** Configuration of a standalone function, read once at start; fails fast on what is missing. */
export function readFunctionConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const databaseUrl = env.DATABASE_URL
  if (!databaseUrl)
    throw new Error('DATABASE_URL is not set: a function needs its Postgres (npm start runs everything locally)')
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a port number`)
  return {
    databaseUrl,
    brokerUrl: env.BROKER_URL ?? `mqtt://127.0.0.1:${env.MQTT_PORT ?? 1883}`,
    port,
    tokens: loadTokens(env),
  }
}
