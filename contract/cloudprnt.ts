/**
 * Star CloudPRNT Version MQTT ("Full MQTT"): the printers that subscribe to the broker
 * themselves. Section names in comments are those of Star's CloudPRNT protocol guide.
 */
import * as v from 'valibot'
import { locales, StationIdSchema } from './menu.ts'

/**
 * The CloudPRNT routes, apart from `routes` so that the guest page, which imports `routes`,
 * carries none of them.
 */
export const cloudprntRoutes = {
  /** The CloudPRNT "Server URL" a printer is given; nothing answers it (see `setting`). */
  server: '/api/cloudprnt/server',
  /** Where a printer fetches its settings: `cloudprnt-setting.json` beside its Server URL. */
  setting: '/api/cloudprnt/cloudprnt-setting.json',
  printers: '/api/cloudprnt/printers',
  printer: '/api/cloudprnt/printers/:mac',
} as const

/** A registered printer's path, its MAC filled in. */
export const cloudprntPrinterPath = (mac: string) => `${cloudprntRoutes.printers}/${encodeURIComponent(mac)}`

/** A printer registered to this station gets the tickets of every station (`bar/orders`). */
export const ALL_STATIONS = 'all'

const macPattern = /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i

/**
 * A MAC address in the form the printer puts in its topics and in the `mac` query parameter
 * ("Request (GET)": lower case, colon separated, e.g. `00:11:62:1d:9a:b7`); null when `text` is
 * not a MAC address. Dashes, no separators and upper case are accepted on input.
 */
export function canonicalMac(text: string): string | null {
  if (!macPattern.test(text)) return null
  const hex = text.replace(/[:-]/g, '').toLowerCase()
  return hex.match(/../g)?.join(':') ?? null
}

export const MacSchema = v.pipe(
  v.string(),
  v.check((text) => canonicalMac(text) !== null, 'a MAC address such as 00:11:62:1d:9a:b7'),
  v.transform((text) => canonicalMac(text) as string),
)

/** The MQTT user name (and client id) of a printer: derived from its MAC, never a role's name. */
export function cloudprntUsername(mac: string): string {
  return `cloudprnt-${mac.replaceAll(':', '')}`
}

/** The MAC of a CloudPRNT user name or client id, or null when it is none. */
export function macOfCloudprntUsername(username: string): string | null {
  const match = /^cloudprnt-([0-9a-f]{12})$/.exec(username)
  return match?.[1] ? canonicalMac(match[1]) : null
}

/** Body of `POST /api/cloudprnt/printers` (bar). */
export const RegisterPrinterSchema = v.strictObject({
  mac: MacSchema,
  /** A station id, or `all`. */
  station: StationIdSchema,
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40))),
  /** Language of its tickets. Default `en`. */
  language: v.optional(v.picklist(locales)),
})
export type RegisterPrinter = v.InferOutput<typeof RegisterPrinterSchema>

export const CloudprntPrinterSchema = v.object({
  mac: v.string(),
  station: v.string(),
  name: v.string(),
  language: v.picklist(locales),
  /** MQTT user name and client id; also the user name of the printer's CloudPRNT settings. */
  username: v.string(),
  createdAt: v.string(),
})
export type CloudprntPrinter = v.InferOutput<typeof CloudprntPrinterSchema>

/** Answer to a registration: the password is shown this once and stored only hashed. */
export const RegisteredPrinterSchema = v.object({
  printer: CloudprntPrinterSchema,
  credentials: v.object({ username: v.string(), password: v.string() }),
  /** What to enter as the printer's CloudPRNT "Server URL". */
  serverUrl: v.string(),
})

export const CloudprntPrinterListSchema = v.object({ printers: v.array(CloudprntPrinterSchema) })

/**
 * The answer to "Server setting information request (GET)", "Response (GET)": MQTT only, Full
 * MQTT (no Trigger POST), the broker and the printer's own credentials.
 */
export interface CloudprntServerSetting {
  title: 'star_cloudprnt_server_setting'
  version: '1.0.0'
  /** Minutes between two settings requests (0 to 1440). */
  reloadIntervalMin: number
  serverSupportProtocol: ['MQTT']
  settingForMQTT: {
    useTriggerPOST: false
    mqttConnectionSetting: {
      hostName: string
      portNumber: number
      useTls: boolean
      authenticationSetting: { clientId: string; username: string; password: string }
    }
  }
}

/** The media type of our print jobs ("Content Media Types"): Star PRNT mode commands. */
export const CLOUDPRNT_MEDIA_TYPE = 'application/vnd.star.starprnt'

/**
 * "MQTT Message Payload Specification", print-job: a raw job whose `printData` is the job's bytes
 * in base64; `jobToken` is the order id, which the printer uses to drop a repeated job.
 */
export const PrintJobSchema = v.object({
  title: v.literal('print-job'),
  jobToken: v.string(),
  jobType: v.literal('raw'),
  mediaTypes: v.array(v.string()),
  printData: v.string(),
})
export type PrintJob = v.InferOutput<typeof PrintJobSchema>

/** A printer status code ("Printer Status Codes"), URL-encoded in payloads: `200%20OK`. */
const StatusCodeSchema = v.pipe(v.string(), v.maxLength(200))

/** print-result: what became of one job. Fields we do not read are kept out, not refused. */
export const PrintResultSchema = v.object({
  title: v.literal('print-result'),
  jobToken: v.optional(v.string()),
  printSucceeded: v.optional(v.boolean()),
  statusCode: StatusCodeSchema,
})

/** client-status: the printer's state, published when it changes. */
export const ClientStatusSchema = v.object({
  title: v.literal('client-status'),
  statusCode: StatusCodeSchema,
  printingInProgress: v.optional(v.boolean()),
})

/** client-will: the printer left the network (its will, or power off). */
export const ClientWillSchema = v.object({ title: v.literal('client-will') })

/** The decoded status code, `410 Out of paper` from `410%20Out%20of%20paper`. */
export function decodeStatusCode(code: string): string {
  try {
    return decodeURIComponent(code)
  } catch {
    return code
  }
}

/**
 * Whether a status code means the printer can print: "2xx" codes do ("Printer Status Codes");
 * 4xx are printer errors (41x paper, 42x cover), 5xx client errors (media, download).
 */
export function statusCodeOk(code: string): boolean {
  return decodeStatusCode(code).startsWith('2')
}
