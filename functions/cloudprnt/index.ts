import type { Context, Hono } from 'hono'
import {
  type CloudprntPrinter,
  type CloudprntServerSetting,
  canonicalMac,
  cloudprntRoutes,
  cloudprntUsername,
  type Locale,
  RegisterPrinterSchema,
} from '../../contract/index.ts'
import { hashPassword, newDevicePassword, verifyPassword } from '../../runtime/password-hash.ts'
import { createBaseApp, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { Refusal } from '../shared/errors.ts'
import { readJson } from '../shared/validate.ts'

/** Where printers reach the broker; what the settings answer tells them. */
export interface CloudprntOptions {
  /** Host name of the broker; the host the printer asked for its settings when omitted. */
  mqttHost?: string
  /** MQTT over TCP (or TLS) port. */
  mqttPort: number
  /** Whether that port speaks TLS. */
  useTls: boolean
  /** Minutes between a printer's settings requests (0–1440). Default 60, the guide's own. */
  reloadIntervalMin?: number
  /** The address printers reach us at (`PUBLIC_URL`); the registration request's origin when omitted. */
  publicUrl?: string
}

export const defaultCloudprntOptions: CloudprntOptions = { mqttPort: 1883, useTls: false }

interface PrinterRow {
  mac: string
  station: string
  name: string
  language: Locale
  username: string
  password_hash: string
  created_at: Date
}

const printerOf = (row: PrinterRow): CloudprntPrinter => ({
  mac: row.mac,
  station: row.station,
  name: row.name,
  language: row.language,
  username: row.username,
  createdAt: row.created_at.toISOString(),
})

const basicRealm = { 'WWW-Authenticate': 'Basic realm="cloudprnt"' }

/** The user name and password of `Authorization: Basic …`, or null. */
function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')
  if (!match?.[1]) return null
  const text = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

/**
 * The CloudPRNT server's HTTP side: the bar registers Star printers by MAC to a station
 * (`/api/cloudprnt/printers`, bar token), and the printers fetch their MQTT settings
 * ("Server setting information request (GET)") with the credentials they were given, as the
 * user name and password of their CloudPRNT settings (HTTP Basic). The password is stored only
 * hashed: the settings answer hands back the one the printer proved it knows.
 */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, barToken } = deps
  const options = { ...defaultCloudprntOptions, ...deps.cloudprnt }
  const requireBar = (c: Context) => {
    if (!isBar(c.req.header('authorization'), barToken))
      throw new Refusal(401, 'unauthorized', 'the bar token is needed')
  }
  const origin = (c: Context) => new URL(c.req.url).origin

  return createBaseApp(deps)
    .get(cloudprntRoutes.setting, async (c) => {
      const mac = canonicalMac(c.req.query('mac') ?? '')
      if (!mac) throw new Refusal(400, 'invalid_input', 'the mac query parameter is not a MAC address')
      const given = basicCredentials(c.req.header('authorization'))
      const [row] = given ? await sql<PrinterRow[]>`select * from cloudprnt_printers where mac = ${mac}` : []
      const valid = row && given?.username === row.username && (await verifyPassword(given.password, row.password_hash))
      if (!row || !given || !valid) {
        c.header('WWW-Authenticate', basicRealm['WWW-Authenticate'])
        throw new Refusal(401, 'unauthorized', 'a registered printer with its user name and password')
      }
      const setting: CloudprntServerSetting = {
        title: 'star_cloudprnt_server_setting',
        version: '1.0.0',
        reloadIntervalMin: options.reloadIntervalMin ?? 60,
        serverSupportProtocol: ['MQTT'],
        settingForMQTT: {
          useTriggerPOST: false,
          mqttConnectionSetting: {
            hostName: options.mqttHost ?? new URL(c.req.url).hostname,
            portNumber: options.mqttPort,
            useTls: options.useTls,
            authenticationSetting: { clientId: row.username, username: row.username, password: given.password },
          },
        },
      }
      return c.json(setting)
    })
    .get(cloudprntRoutes.printers, async (c) => {
      requireBar(c)
      const rows = await sql<PrinterRow[]>`select * from cloudprnt_printers order by station, mac`
      return c.json({ printers: rows.map(printerOf) })
    })
    .post(cloudprntRoutes.printers, async (c) => {
      requireBar(c)
      const body = await readJson(c, RegisterPrinterSchema)
      const password = newDevicePassword()
      const username = cloudprntUsername(body.mac)
      const [row] = await sql<PrinterRow[]>`
        insert into cloudprnt_printers (mac, station, name, language, username, password_hash)
        values (${body.mac}, ${body.station}, ${body.name ?? body.mac}, ${body.language ?? 'en'}, ${username},
          ${await hashPassword(password)})
        on conflict (mac) do nothing
        returning *`
      if (!row) throw new Refusal(409, 'id_conflict', 'this printer is registered already; remove it first')
      // Printers reach us where guests do, not at the address the bar happened to use.
      const serverUrl = `${options.publicUrl?.replace(/\/$/, '') ?? origin(c)}${cloudprntRoutes.server}`
      return c.json({ printer: printerOf(row), credentials: { username, password }, serverUrl }, 201)
    })
    .delete(cloudprntRoutes.printer, async (c) => {
      requireBar(c)
      const mac = canonicalMac(c.req.param('mac'))
      if (!mac) throw new Refusal(404, 'not_found', 'no such printer')
      const removed = await sql`delete from cloudprnt_printers where mac = ${mac} returning mac`
      if (removed.length === 0) throw new Refusal(404, 'not_found', 'no such printer')
      return c.body(null, 204)
    })
}
