/**
 * A function's Hono app on `node:http`, with small `Headers`, `Request` and `Response` classes in
 * place of Node's. Node's come from its bundled undici, which loads on first use: about 12 MB of
 * memory and tens of ms of a cold start, for web streams and fetch semantics a function never
 * needs. Its requests and answers are small JSON held whole, so these classes hold bodies whole
 * too: a string or bytes, read from the socket once.
 *
 * Hono builds its answers with the global `Response` and `Headers`, so a pod process installs
 * these as the globals (`installLiteWebClasses`) before it builds its app. `fetch` stays Node's
 * own and still works (the push sender uses it); it returns Node's responses, not these.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { errorBody } from './errors.ts'

type HeaderRecord = Record<string, string | readonly string[] | undefined>
type HeadersLike = LiteHeaders | Iterable<readonly [string, string]> | HeaderRecord

/** Header names are kept lower-cased; repeated values are joined with ", ", except Set-Cookie. */
export class LiteHeaders {
  readonly #values = new Map<string, string>()
  #cookies: string[] = []

  constructor(init?: HeadersLike | null) {
    if (!init) return
    if (init instanceof LiteHeaders) {
      for (const [name, value] of init.#values) this.#values.set(name, value)
      this.#cookies = [...init.#cookies]
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init) this.append(name, value)
    } else {
      for (const name of Object.keys(init)) {
        const value = init[name]
        if (typeof value === 'string') this.append(name, value)
        else if (value) for (const one of value) this.append(name, one)
      }
    }
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase()
    const text = String(value).trim()
    if (key === 'set-cookie') {
      this.#cookies.push(text)
      return
    }
    const before = this.#values.get(key)
    this.#values.set(key, before === undefined ? text : `${before}, ${text}`)
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase()
    const text = String(value).trim()
    if (key === 'set-cookie') this.#cookies = [text]
    else this.#values.set(key, text)
  }

  get(name: string): string | null {
    const key = name.toLowerCase()
    if (key === 'set-cookie') return this.#cookies.length > 0 ? this.#cookies.join(', ') : null
    return this.#values.get(key) ?? null
  }

  has(name: string): boolean {
    const key = name.toLowerCase()
    return key === 'set-cookie' ? this.#cookies.length > 0 : this.#values.has(key)
  }

  delete(name: string): void {
    const key = name.toLowerCase()
    if (key === 'set-cookie') this.#cookies = []
    else this.#values.delete(key)
  }

  getSetCookie(): string[] {
    return [...this.#cookies]
  }

  forEach(callback: (value: string, name: string, headers: LiteHeaders) => void, thisArg?: unknown): void {
    for (const [name, value] of this) callback.call(thisArg, value, name, this)
  }

  /** In the order first set, each Set-Cookie on its own (Node's sorts by name; nothing here relies on order). */
  *entries(): IterableIterator<[string, string]> {
    yield* this.#values
    for (const cookie of this.#cookies) yield ['set-cookie', cookie]
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }
}

/** A body held whole. */
type Content = string | Uint8Array

function toContent(body: unknown): Content | null {
  if (body === null || body === undefined) return null
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError(`a body of ${Object.prototype.toString.call(body)} is not served here: a string or bytes only`)
}

const decoder = new TextDecoder()
const asText = (content: Content | null) =>
  content === null ? '' : typeof content === 'string' ? content : decoder.decode(content)
const asBytes = (content: Content | null) =>
  content === null ? new Uint8Array(0) : typeof content === 'string' ? Buffer.from(content) : content
function asArrayBuffer(content: Content | null): ArrayBuffer {
  const bytes = asBytes(content)
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** What this server cannot do for a body; a web stream reader would be the general answer. */
function unsupported(what: string): never {
  throw new TypeError(`${what} is not supported by this server: bodies are read as text, JSON or bytes`)
}

/** The chunk-at-a-time reader Hono's body limit asks for, over the socket or held bytes. */
interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>
  cancel(): Promise<void>
  releaseLock(): void
}

const isSocket = (source: IncomingMessage | Content | null): source is IncomingMessage =>
  source !== null && typeof source !== 'string' && !(source instanceof Uint8Array)

async function* held(content: Content | null): AsyncGenerator<Uint8Array> {
  if (content !== null) yield asBytes(content)
}

/** Reads all of `incoming`; the body limit in front of every handler has bounded its length. */
function readAll(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
    incoming.once('error', reject)
    incoming.once('aborted', () => reject(new Error('the client went away before the body was read')))
  })
}

/** What a request and a response share: a body held whole, or read whole from the socket, once. */
abstract class WholeBody {
  #used = false

  get bodyUsed(): boolean {
    return this.#used
  }

  /** Marks the body read; a second read throws, as with Node's classes. */
  protected claim(): void {
    if (this.#used) throw new TypeError('the body was already read')
    this.#used = true
  }

  /** The whole body, claimed. */
  protected abstract whole(): Promise<Content | null>

  async text(): Promise<string> {
    return asText(await this.whole())
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return asArrayBuffer(await this.whole())
  }

  async bytes(): Promise<Uint8Array> {
    return asBytes(await this.whole())
  }

  blob(): never {
    return unsupported('blob()')
  }

  formData(): never {
    return unsupported('formData()')
  }
}

interface RequestInitLike {
  method?: string
  headers?: HeadersLike
  body?: unknown
}

export class LiteRequest extends WholeBody {
  readonly url: string
  readonly method: string
  readonly headers: LiteHeaders
  /** The socket the body is still to be read from, or the body itself. */
  #source: IncomingMessage | Content | null

  constructor(input: string | LiteRequest, init: RequestInitLike = {}) {
    super()
    const from = typeof input === 'string' ? undefined : input
    this.url = from?.url ?? (input as string)
    this.method = (init.method ?? from?.method ?? 'GET').toUpperCase()
    this.headers = new LiteHeaders(init.headers ?? from?.headers)
    this.#source = 'body' in init ? toContent(init.body) : from ? from.#take() : null
  }

  /** A request whose body is read from `incoming` when a handler asks for it. */
  static fromIncoming(incoming: IncomingMessage, url: string): LiteRequest {
    const request = new LiteRequest(url, { method: incoming.method ?? 'GET', headers: incoming.headers })
    if (request.method !== 'GET' && request.method !== 'HEAD') request.#source = incoming
    return request
  }

  #take(): IncomingMessage | Content | null {
    this.claim()
    return this.#source
  }

  /** Only what Hono's body limit uses of a stream: a reader of its chunks. */
  get body(): { getReader(): BodyReader } | null {
    if (this.#source === null) return null
    return {
      getReader: () => {
        const source = this.#take()
        const chunks = isSocket(source) ? source[Symbol.asyncIterator]() : held(source)
        return {
          read: () => chunks.next() as Promise<{ done: boolean; value?: Uint8Array }>,
          cancel: async () => void (await chunks.return?.()),
          releaseLock: () => {},
        }
      },
    }
  }

  protected async whole(): Promise<Content | null> {
    const source = this.#take()
    return isSocket(source) ? readAll(source) : source
  }

  clone(): LiteRequest {
    if (isSocket(this.#source)) return unsupported('clone() before the body is read')
    return new LiteRequest(this, { body: this.#source })
  }
}

interface ResponseInitLike {
  status?: number
  statusText?: string
  headers?: HeadersLike
}

export class LiteResponse extends WholeBody {
  readonly status: number
  readonly statusText: string
  readonly headers: LiteHeaders
  readonly type = 'default'
  readonly redirected = false
  readonly url = ''
  readonly #content: Content | null

  constructor(body?: unknown, init: ResponseInitLike = {}) {
    super()
    this.#content = toContent(body)
    this.status = init.status ?? 200
    if (!Number.isInteger(this.status) || this.status < 200 || this.status > 599) {
      throw new RangeError(`${this.status} is not a status a response may have`)
    }
    this.statusText = init.statusText ?? ''
    this.headers = new LiteHeaders(init.headers)
    if (typeof this.#content === 'string' && !this.headers.has('content-type')) {
      this.headers.set('content-type', 'text/plain;charset=UTF-8')
    }
  }

  static json(data: unknown, init: ResponseInitLike = {}): LiteResponse {
    const headers = new LiteHeaders(init.headers)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    return new LiteResponse(JSON.stringify(data), { ...init, headers })
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /**
   * The body itself (a string or bytes), not a stream. Hono only hands it to another response
   * (`new Response(res.body, res)`), which takes it as it is.
   */
  get body(): Content | null {
    return this.#content
  }

  protected async whole(): Promise<Content | null> {
    this.claim()
    return this.#content
  }

  clone(): LiteResponse {
    if (this.bodyUsed) throw new TypeError('the body was already read')
    return new LiteResponse(this.#content, this)
  }
}

/**
 * Makes these classes the process's `Headers`, `Request` and `Response` (see the top of this
 * file). Returns what puts Node's back, for a test that shares its process.
 */
export function installLiteWebClasses(): () => void {
  const classes = { Headers: LiteHeaders, Request: LiteRequest, Response: LiteResponse }
  const before = Object.keys(classes).map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const)
  for (const [name, value] of Object.entries(classes)) {
    // Replaces Node's lazy getter without calling it, so undici is never loaded for these.
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false })
  }
  return () => {
    for (const [name, descriptor] of before) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor)
    }
  }
}

/** A host name, IPv4 or bracketed IPv6 address, and an optional port: nothing that could move the path. */
const validHost = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** What a request's handler gets beside the request: the Node objects, as @hono/node-server passes them. */
export interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

type Fetch = (request: LiteRequest, env: NodeBindings) => Response | LiteResponse | Promise<Response | LiteResponse>

/**
 * A `node:http` listener answering each request with `fetch` (a Hono app's). A Host header that
 * is not a host (it would move the path Hono routes by) is answered 400; a `fetch` that throws
 * (Hono's error handler answers for the app's own errors) is answered 500; both in the spec's
 * error shape.
 */
export function honoListener(fetch: Fetch, onError: (error: Error) => void): RequestListener {
  return (incoming, outgoing) => {
    const host = incoming.headers.host ?? 'localhost'
    if (!validHost.test(host) || incoming.url?.charCodeAt(0) !== 47) {
      writeError(outgoing, 400, errorBody('invalid_input', 'the request line or the Host header is not valid'))
      return
    }
    const bindings = { incoming, outgoing }
    const failed = (error: Error) => {
      onError(error)
      writeError(outgoing, 500, errorBody('internal', 'something went wrong on our side'))
    }
    try {
      const answer = fetch(LiteRequest.fromIncoming(incoming, `http://${host}${incoming.url}`), bindings)
      if (answer instanceof Promise) answer.then((response) => write(response, outgoing), failed).catch(failed)
      else write(answer, outgoing).catch(failed)
    } catch (error) {
      failed(error as Error)
    }
  }
}

async function write(response: Response | LiteResponse, outgoing: ServerResponse): Promise<void> {
  // A response from elsewhere (Node's own, from fetch) is read whole, like ours.
  const content = response instanceof LiteResponse ? response.body : new Uint8Array(await response.arrayBuffer())
  if (outgoing.headersSent || outgoing.destroyed) return
  outgoing.statusCode = response.status
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') outgoing.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) outgoing.setHeader('set-cookie', cookies)
  outgoing.end(content ?? undefined)
}

function writeError(outgoing: ServerResponse, status: number, body: object): void {
  if (outgoing.headersSent) {
    outgoing.destroy()
    return
  }
  outgoing.writeHead(status, { 'content-type': 'application/json' })
  outgoing.end(JSON.stringify(body))
}
