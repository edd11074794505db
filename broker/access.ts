import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes'
import { guestIdOfTopic, topics } from '../contract/index.ts'
import { sameSecret } from '../runtime/secrets.ts'

export type Role = 'guest' | 'bar' | 'printer' | 'service'

export interface Credentials {
  barToken: string
  printerToken: string
  serviceToken: string
}

/** Who may read what, per the access table of the spec. Everything not listed is refused. */
export function maySubscribe(role: Role, filter: string): boolean {
  const [first] = filter.split('/')
  switch (role) {
    case 'service':
      return true
    case 'bar':
      return first === 'bar' || first === 'public' || first === 'guests'
    case 'printer':
      return filter === topics.barTickets || filter === topics.barOrders
    case 'guest':
      // One concrete guest id, never a wildcard: a guest sees its own orders only.
      return first === 'public' || guestIdOfTopic(filter) !== null
  }
}

/** Only the service (the functions) publishes; the bar acts through HTTP. */
export function mayPublish(role: Role): boolean {
  return role === 'service'
}

const roleOf = new WeakMap<Client, Role>()
const emptyIdWithSession = new WeakSet<Client>()

/** The role a client authenticated as; undefined until its CONNECT is authenticated. */
export function clientRole(client: Client): Role | undefined {
  return roleOf.get(client)
}

function authError(message: string, returnCode: 2 | 4): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: returnCode as AuthenticateError['returnCode'] })
}

/** The Aedes hooks that enforce the access table. */
export function accessHooks(credentials: Credentials) {
  const secrets: Record<Exclude<Role, 'guest'>, string> = {
    bar: credentials.barToken,
    printer: credentials.printerToken,
    service: credentials.serviceToken,
  }
  return {
    preConnect(client: Client, packet: ConnectPacket, done: (error: Error | null, success: boolean) => void) {
      // [MQTT-3.1.3-8] an empty client id with clean session 0 is refused with return code 2;
      // Aedes would invent an id, so it is remembered here and refused in authenticate.
      if (!packet.clientId && !packet.clean) emptyIdWithSession.add(client)
      done(null, true)
    },
    authenticate(
      client: Client,
      username: Readonly<string | undefined>,
      password: Readonly<Buffer | undefined>,
      done: (error: AuthenticateError | null, success: boolean | null) => void,
    ) {
      if (emptyIdWithSession.has(client)) return done(authError('a persistent session needs a client id', 2), false)
      if (username === undefined || username === '') {
        // [MQTT-3.1.2-22] a password without a user name is a malformed CONNECT.
        if (password !== undefined) return done(authError('a password needs a user name', 4), false)
        roleOf.set(client, 'guest')
        return done(null, true)
      }
      const role = username as keyof typeof secrets
      if (!Object.hasOwn(secrets, role) || !sameSecret(password?.toString() ?? '', secrets[role])) {
        return done(authError('bad user name or password', 4), false)
      }
      roleOf.set(client, role)
      done(null, true)
    },
    authorizeSubscribe(
      client: Client,
      subscription: Subscription,
      done: (error: Error | null, subscription?: Subscription | null) => void,
    ) {
      // A null subscription makes Aedes answer SUBACK 0x80 and keep the connection.
      done(null, maySubscribe(roleOf.get(client) ?? 'guest', subscription.topic) ? subscription : null)
    },
    authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) {
      // Messages the broker itself publishes (outbox relay, wills of service clients) have no client.
      if (client === null || mayPublish(roleOf.get(client) ?? 'guest')) return done(null)
      done(new Error(`publishing to ${packet.topic} is not allowed`))
    },
  }
}
