/**
 * The Aedes hooks that enforce the access table on every path: CONNECT (credentials, will,
 * session owner), SUBSCRIBE (filters and their bounds), PUBLISH (wills of dead brokers
 * included) and every delivery (live, offline queue, retained).
 */
import type { AedesPublishPacket, AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes'
import type { Logger } from '../../runtime/logger.ts'
import { sameSecret } from '../../runtime/secrets.ts'
import { willOwner } from '../persistence/index.ts'
import { topicMatches, topicProblem } from '../topic-rules.ts'
import { beyondBound, clientRole, granted, heldFilters, internals, setClientRole } from './clients.ts'
import {
  type CloudprntVerifier,
  cloudprntMayPublish,
  cloudprntMaySubscribe,
  isCloudprntUsername,
  macOfClientId,
} from './cloudprnt.ts'
import { type AccessLimits, isRole, mayPublish, maySubscribe, type Role } from './rules.ts'
import type { SessionOwnerStore } from './session-owners.ts'

export interface Credentials {
  barToken: string
  printerToken: string
  serviceToken: string
}

export interface AccessHookOptions {
  credentials: Credentials
  limits: AccessLimits
  owners: SessionOwnerStore
  log: Logger
  /** Checks the credentials of CloudPRNT printers; none may connect when omitted. */
  cloudprnt?: CloudprntVerifier
}

type ReturnCode = 2 | 3 | 4 | 5

function refusal(message: string, returnCode: ReturnCode): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: returnCode as AuthenticateError['returnCode'] })
}

/** What CONNECT asked for, kept from preConnect until authenticate decides. */
const connects = new WeakMap<Client, Pick<ConnectPacket, 'clientId' | 'clean' | 'will'>>()

/** Whether the client (`clientId`, of `role`) may subscribe to `filter`: a printer only to its own topics. */
function allowedFilter(role: Role, clientId: string, filter: string): boolean {
  if (role !== 'cloudprnt') return maySubscribe(role, filter)
  const mac = macOfClientId(clientId)
  return mac !== null && cloudprntMaySubscribe(mac, filter)
}

/** Whether a client of `role` (`clientId`) may publish to `topic`, wills included. */
function allowedPublish(role: Role, clientId: string | undefined, topic: string): boolean {
  if (role !== 'cloudprnt') return mayPublish(role)
  const mac = macOfClientId(clientId)
  return mac !== null && cloudprntMayPublish(mac, topic)
}

/** Whether `client` may receive a message on `topic`: its role may, and it holds a filter for it. */
export function mayReceive(client: Client, topic: string): boolean {
  const role = clientRole(client)
  if (!role || !allowedFilter(role, client.id, topic)) return false
  // Only what the client subscribed to and was granted: a filter refused, or refused when the
  // session was restored, never brings anything, whatever a queue or the trie still holds.
  for (const filter of Object.keys(internals(client).subscriptions)) {
    if (topicMatches(filter, topic)) return true
  }
  return false
}

export function accessHooks({ credentials, limits, owners, log, cloudprnt }: AccessHookOptions) {
  const secrets: Record<Exclude<Role, 'guest' | 'cloudprnt'>, string> = {
    bar: credentials.barToken,
    printer: credentials.printerToken,
    service: credentials.serviceToken,
  }

  /** The role of a CONNECT's credentials, or why they are refused. */
  function roleOf(username: string | undefined, password: Buffer | undefined): Role | AuthenticateError {
    if (username === undefined || username === '') {
      // [MQTT-3.1.2-22] a password without a user name is a malformed CONNECT.
      return password === undefined ? 'guest' : refusal('a password needs a user name', 4)
    }
    const role = username as keyof typeof secrets
    if (!Object.hasOwn(secrets, role) || !sameSecret(password?.toString() ?? '', secrets[role])) {
      return refusal('bad user name or password', 4)
    }
    return role
  }

  /** The CloudPRNT role for a printer's own credentials, with its own client id; or why not. */
  async function printerRole(clientId: string | undefined, username: string, password: string | undefined) {
    if (!cloudprnt) return refusal('no CloudPRNT printers here', 4)
    // The client id is the user name: a printer's session and will are its own, never another's.
    if (clientId !== username) return refusal('a CloudPRNT printer connects with its user name as client id', 2)
    return (await cloudprnt(username, password ?? '')) !== null ? 'cloudprnt' : refusal('bad user name or password', 4)
  }

  /** Why `role` may not use the client id as asked, or null (see broker/README.md, Sessions). */
  async function sessionRefusal(client: Client, role: Role, clean: boolean): Promise<AuthenticateError | null> {
    if (role === 'guest' && !clean) return refusal('anonymous clients get clean sessions only', 5)
    const online = internals(client).broker.clients[client.id]
    if (online && clientRole(online) !== role) return refusal('the client id is in use by another identity', 5)
    const owner =
      role !== 'guest' && !clean ? await owners.claimSession(client.id, role) : await owners.sessionOwner(client.id)
    // Guests own no session, so any owner (an unclaimed one too) is another identity.
    if (owner !== undefined && owner !== role) return refusal('the session belongs to another identity', 5)
    return null
  }

  return {
    preConnect(client: Client, packet: ConnectPacket, done: (error: Error | null, success: boolean) => void) {
      connects.set(client, { clientId: packet.clientId, clean: packet.clean, will: packet.will })
      done(null, true)
    },

    authenticate(
      client: Client,
      username: Readonly<string | undefined>,
      password: Readonly<Buffer | undefined>,
      done: (error: AuthenticateError | null, success: boolean | null) => void,
    ) {
      const connect = connects.get(client)
      connects.delete(client)
      const clean = connect?.clean !== false
      // [MQTT-3.1.3-8] an empty client id with clean session 0: Aedes would invent one.
      if (!connect?.clientId && !clean) return done(refusal('a persistent session needs a client id', 2), false)
      const printer = username !== undefined && isCloudprntUsername(username)
      const decided = printer
        ? printerRole(connect?.clientId, username, password?.toString())
        : Promise.resolve(roleOf(username, password))
      const will = connect?.will
      decided
        .then(async (role) => {
          if (typeof role !== 'string') return role
          if (will) {
            const problem = topicProblem(will.topic, limits.maxTopicBytes)
            if (problem) return refusal(`the will's topic is ${problem}`, 5)
            if (!allowedPublish(role, connect?.clientId, will.topic))
              return refusal(`${role} may not leave a will on ${will.topic}`, 5)
          }
          return (await sessionRefusal(client, role, clean)) ?? role
        })
        .then(
          (decision) => {
            if (typeof decision !== 'string') return done(decision, false)
            setClientRole(client, decision)
            done(null, true)
          },
          (error: Error) => {
            log.error(`mqtt: checking the session of ${client.id} failed: ${error.message}`)
            done(refusal('the session store is unavailable', 3), false)
          },
        )
    },

    authorizeSubscribe(
      client: Client,
      subscription: Subscription,
      done: (error: Error | null, subscription?: Subscription | null) => void,
    ) {
      const role = clientRole(client)
      const problem = topicProblem(subscription.topic, limits.maxTopicBytes)
      if (!role) return done(new Error('not authenticated'))
      // [MQTT-1.5.3-1, -2] a malformed filter closes the connection; nothing of the packet is kept.
      if (problem === 'malformed') return done(new Error('malformed topic filter'))
      const filters = heldFilters(client)
      const refused =
        problem !== null ||
        beyondBound.has(subscription) ||
        !allowedFilter(role, client.id, subscription.topic) ||
        (!filters.has(subscription.topic) && filters.size >= limits.maxSubscriptionsPerSession)
      if (refused) return done(null, null) // SUBACK 0x80, the connection stays [MQTT-3.9.3-1]
      filters.add(subscription.topic)
      granted.add(subscription)
      done(null, subscription)
    },

    authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) {
      // A stored will is judged as the client that left it, whoever asks: Aedes asks with no
      // client for the wills of a dead broker, or with whichever client now has that id.
      const owner = willOwner(packet)
      const role = owner !== undefined ? (isRole(owner) ? owner : undefined) : client && clientRole(client)
      if (!role) return done(new Error(`publishing to ${packet.topic} as nobody is not allowed`))
      const problem = topicProblem(packet.topic, limits.maxTopicBytes)
      if (problem) return done(new Error(`the topic is ${problem}`))
      const clientId = (packet as { clientId?: string }).clientId ?? client?.id
      if (!allowedPublish(role, clientId, packet.topic))
        return done(new Error(`publishing to ${packet.topic} is not allowed`))
      done(null)
    },

    authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
      return mayReceive(client, packet.topic) ? packet : null
    },
  }
}
