/**
 * A Star printer running CloudPRNT Version MQTT (Full MQTT), written from Star's CloudPRNT
 * protocol guide, for tests: it asks for its settings over HTTP ("Server setting information
 * request (GET)") with the user name and password of its CloudPRNT settings, connects to the
 * broker it is told of with the credentials it is given, registers its will, subscribes to its
 * to-device topics, prints `print-job`s into a log (Star PRNT mode decoded to text), drops a
 * job token it saw among its last 10 ("MQTT General Specification"), and publishes
 * `print-result` and `client-status`.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { starPrntTickets } from './starprnt-text.ts'

export interface SimulatedPrinterOptions {
  /** The printer's CloudPRNT "Server URL". */
  serverUrl: string
  /** Its Ethernet MAC, lower case, colon separated. */
  mac: string
  username: string
  password: string
}

export interface PrintedTicket {
  jobToken: string
  text: string
}

/** "MQTT General Specification": a printer remembers its past 10 job tokens. */
const rememberedTokens = 10

const statusOk = '200%20OK'
const statusPaperOut = '410%20Out%20of%20paper'
// The code the guide gives a repeated token is not in what we read of it: a client error here.
const statusDuplicate = '500%20Duplicate%20jobToken'

export class SimulatedPrinter {
  readonly printed: PrintedTicket[] = []
  /** Every print-result it published, in order. */
  readonly results: { jobToken: string; statusCode: string }[] = []
  private client: MqttClient | null = null
  private tokens: string[] = []
  private paperOut = false

  constructor(private readonly options: SimulatedPrinterOptions) {}

  private topic(method: string) {
    return `star/cloudprnt/to-server/${this.options.mac}/${method}`
  }

  /** "Request (GET)": the Server URL's last path segment replaced with `cloudprnt-setting.json`. */
  async fetchSettings() {
    const url = new URL(this.options.serverUrl)
    const segments = url.pathname.split('/')
    const replaced = segments.pop() ?? ''
    url.pathname = [...segments, 'cloudprnt-setting.json'].join('/')
    url.search = new URLSearchParams({ mac: this.options.mac, replaced_path: replaced }).toString()
    const basic = Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')
    const response = await fetch(url, {
      headers: { authorization: `Basic ${basic}` },
      signal: AbortSignal.timeout(15_000),
    })
    if (response.status !== 200) throw new Error(`settings request answered ${response.status}`)
    const settings = (await response.json()) as {
      title: string
      serverSupportProtocol: string[]
      settingForMQTT?: {
        useTriggerPOST?: boolean
        mqttConnectionSetting: {
          hostName: string
          portNumber: number
          useTls: boolean
          authenticationSetting: { clientId: string; username: string; password: string }
        }
      }
    }
    if (settings.title !== 'star_cloudprnt_server_setting') throw new Error('not a CloudPRNT server setting')
    if (!settings.serverSupportProtocol.includes('MQTT') || !settings.settingForMQTT) throw new Error('no MQTT offered')
    if (settings.settingForMQTT.useTriggerPOST) throw new Error('Trigger POST is not what this printer runs')
    return settings.settingForMQTT.mqttConnectionSetting
  }

  /**
   * Power on: settings, then the broker; resolves once its subscription is granted. Like a real
   * printer it tries again when the broker does not answer (at most `attempts` times).
   */
  async powerOn(attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connectOnce()
      } catch (error) {
        if (attempt >= attempts || !/connack timeout|closed before CONNACK/.test((error as Error).message)) throw error
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const setting = await this.fetchSettings()
    const { mac } = this.options
    const client = mqtt.connect({
      protocol: setting.useTls ? 'mqtts' : 'mqtt',
      host: setting.hostName,
      port: setting.portNumber,
      protocolVersion: 4,
      clientId: setting.authenticationSetting.clientId,
      username: setting.authenticationSetting.username,
      password: setting.authenticationSetting.password,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      will: {
        topic: this.topic('client-will'),
        payload: Buffer.from(JSON.stringify({ title: 'client-will', printerMAC: mac })),
        qos: 1,
        retain: false,
      },
    })
    client.on('message', (topic, payload) => void this.receive(topic, payload.toString()))
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve())
        client.once('error', reject)
        client.once('close', () => reject(new Error('closed before CONNACK')))
      })
    } catch (error) {
      client.end(true)
      throw error
    }
    client.removeAllListeners('error')
    client.on('error', () => {})
    this.client = client
    const [granted] = await client.subscribeAsync(`star/cloudprnt/to-device/${mac}/#`, { qos: 1 })
    if (granted?.qos !== 1) throw new Error(`subscription refused (${granted?.qos})`)
    await this.publishStatus()
  }

  /** The network drops (or the power goes): no DISCONNECT, so the broker publishes the will. */
  powerCut(): void {
    this.client?.stream.destroy()
    this.client = null
  }

  /** Paper runs out (or is refilled): the printer tells the server at once. */
  async setPaperOut(out: boolean): Promise<void> {
    this.paperOut = out
    await this.publishStatus()
  }

  /** The tickets printed for a token. */
  printedFor(jobToken: string): PrintedTicket[] {
    return this.printed.filter((ticket) => ticket.jobToken === jobToken)
  }

  /** The MQTT client it runs on (for tests of what the broker lets it do). */
  get mqttClient(): MqttClient | null {
    return this.client
  }

  private async publishStatus() {
    const statusCode = this.paperOut ? statusPaperOut : statusOk
    const body = { title: 'client-status', printerMAC: this.options.mac, statusCode, printingInProgress: false }
    await this.client?.publishAsync(this.topic('client-status'), JSON.stringify(body), { qos: 1 })
  }

  private async result(jobToken: string, statusCode: string) {
    this.results.push({ jobToken, statusCode })
    const body = {
      title: 'print-result',
      printerMAC: this.options.mac,
      jobToken,
      printSucceeded: statusCode.startsWith('2'),
      statusCode,
    }
    await this.client?.publishAsync(this.topic('print-result'), JSON.stringify(body), { qos: 1 })
  }

  private async receive(topic: string, text: string) {
    const method = topic.split('/').pop()
    if (method !== 'print-job') return
    const job = JSON.parse(text) as { jobToken: string; jobType: string; mediaTypes: string[]; printData: string }
    if (this.tokens.includes(job.jobToken)) return this.result(job.jobToken, statusDuplicate)
    this.tokens = [...this.tokens, job.jobToken].slice(-rememberedTokens)
    if (this.paperOut) return this.result(job.jobToken, statusPaperOut)
    if (job.jobType !== 'raw' || !job.mediaTypes.includes('application/vnd.star.starprnt')) {
      return this.result(job.jobToken, '510%20Incompatible%20media%20type')
    }
    let tickets: string[]
    try {
      tickets = starPrntTickets(Buffer.from(job.printData, 'base64'))
    } catch {
      return this.result(job.jobToken, '511%20Media%20decoding%20error')
    }
    for (const ticket of tickets) this.printed.push({ jobToken: job.jobToken, text: ticket })
    await this.result(job.jobToken, statusOk)
  }

  async powerOff(): Promise<void> {
    await this.client?.endAsync()
    this.client = null
  }
}
