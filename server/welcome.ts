import { relative } from 'node:path'
import { cloudprntRoutes } from '../contract/index.ts'
import type { Tokens } from '../runtime/secrets.ts'
import type { Stack } from './stack.ts'

export interface WelcomeOptions {
  stack: Stack
  port: number
  mqttPort: number
  tokens: Tokens
  /** Where the embedded PostgreSQL keeps its data; null with DATABASE_URL. */
  databaseDir: string | null
  /** This machine's network address, if it has one. */
  lanAddress: string | null
  env: NodeJS.ProcessEnv
}

/**
 * What `npm start` prints once everything listens: where guests, the bar and the poster go,
 * which address the QR code carries and how to choose another, and the printer command.
 */
export function welcome({ stack, port, mqttPort, tokens, databaseDir, lanAddress, env }: WelcomeOptions): string {
  const local = stack.httpUrl
  const inHere = databaseDir && !relative(process.cwd(), databaseDir).startsWith('..')
  const where = databaseDir
    ? ` (embedded PostgreSQL in ${inHere ? relative(process.cwd(), databaseDir) : databaseDir})`
    : ''
  const guests =
    stack.publicUrl === local
      ? [`  Guests     ${local}/`]
      : [`  Guests     ${stack.publicUrl}/   (the QR code)`, `             ${local}/   (on this machine)`]
  const qrNote = env.PUBLIC_URL
    ? '  The QR code carries PUBLIC_URL.'
    : lanAddress
      ? `  The QR code carries ${lanAddress}, this machine's network address; phones must be on the same network.\n` +
        `  Another address: PUBLIC_URL=http://HOST:${port} npm start`
      : '  No network address found: phones cannot open localhost. Join the venue network and start again,\n' +
        `  or choose the address: PUBLIC_URL=http://HOST:${port} npm start`
  // Same host and port as the broker the functions publish to: the bridge runs beside us.
  const brokerUrl = `mqtt://127.0.0.1:${mqttPort}`
  const printer = `npm run printer -- --printer tcp://PRINTER_IP:9100 --broker ${brokerUrl} --api http://127.0.0.1:${port}`
  const tokenNote = env.PRINTER_TOKEN
    ? '             with the same PRINTER_TOKEN in its environment as here'
    : '             from this folder: it reads the printer token from .data/tokens.json (elsewhere: PRINTER_TOKEN=…)'
  return `
  Drinks is running${where}

${guests.join('\n')}
  Bar        ${local}/?bar#token=${tokens.barToken}
  Pickup     ${local}/?board
  QR poster  ${local}/?qr
  Stations   one counter's bar or board: add &station=ID to its address, and --station ID to its printer
             (the ids are in ${local}/api/menu)
  MQTT       ${stack.mqttUrl}
  MQTT/WS    ${stack.wsUrl}

${qrNote}

  Printer    ${printer}
${tokenNote}
  Printer token ${tokens.printerToken} (MQTT user "printer"); tokens are kept in .data/tokens.json

  Star CloudPRNT printers (MQTT): register each by MAC to a station ("all": every order), e.g.
             curl -X POST ${local}${cloudprntRoutes.printers} -H 'authorization: Bearer ${tokens.barToken}' \\
               -H 'content-type: application/json' -d '{"mac":"00:11:62:aa:bb:cc","station":"all"}'
             then enter in the printer's CloudPRNT settings (printer/README.md):
             Server URL  ${stack.publicUrl}${cloudprntRoutes.server}
             User name and password: those the registration answered
`
}
