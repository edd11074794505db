/**
 * The CloudPRNT printer identity: a Star printer that logs in with its own credentials (user
 * name and client id `cloudprnt-<mac>`, contract/cloudprnt.ts) and may use only its own topics,
 * as "MQTT Message Topic Specification" gives them: it subscribes under
 * `star/cloudprnt/to-device/<mac>/` and publishes (its will included) under
 * `star/cloudprnt/to-server/<mac>/`. Its sessions may persist, so jobs queue while it is away.
 */
import type { Sql } from 'postgres'
import { macOfCloudprntUsername, topics } from '../../contract/index.ts'
import { verifyPassword } from '../../runtime/password-hash.ts'

/** The MAC of the printer these credentials belong to, or null; rejects when it cannot tell. */
export type CloudprntVerifier = (username: string, password: string) => Promise<string | null>

/** Whether the user name claims the CloudPRNT identity (whatever the password). */
export const isCloudprntUsername = (username: string) => macOfCloudprntUsername(username) !== null

/** Verifies against the registrations in Postgres (`cloudprnt_printers`, functions' migration 007). */
export function postgresCloudprntVerifier(sql: Sql): CloudprntVerifier {
  return async (username, password) => {
    const [row] = await sql<{ mac: string; password_hash: string }[]>`
      select mac, password_hash from cloudprnt_printers where username = ${username}`
    return row && (await verifyPassword(password, row.password_hash)) ? row.mac : null
  }
}

const toDevice = (mac: string) => `${topics.cloudprntToDevice(mac, '')}`
const toServer = (mac: string) => `${topics.cloudprntToServer(mac, '')}`

/** A filter a printer may hold, or a topic it may receive: under its own to-device prefix. */
export function cloudprntMaySubscribe(mac: string, filter: string): boolean {
  const prefix = toDevice(mac)
  return filter.startsWith(prefix) || filter === prefix.slice(0, -1)
}

/** A topic a printer may publish to, or leave its will on: under its own to-server prefix. */
export function cloudprntMayPublish(mac: string, topic: string): boolean {
  const prefix = toServer(mac)
  return topic.startsWith(prefix) && topic.length > prefix.length
}

/** The MAC of a CloudPRNT client id (its user name): the identity its session and will belong to. */
export const macOfClientId = (clientId: string | undefined) => (clientId ? macOfCloudprntUsername(clientId) : null)
