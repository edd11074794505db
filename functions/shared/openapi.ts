import { type JsonSchema, type OverrideActionContext, toJsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema'
import type { GenericSchema } from 'valibot'
import {
  ClientStatusSchema,
  CloudprntPrinterListSchema,
  cloudprntRoutes,
  DrinkBodySchema,
  DrinkIdSchema,
  DrinkSchema,
  DrinkUpdateSchema,
  ErrorBodySchema,
  EventBodySchema,
  EventSchema,
  limits,
  MenuSchema,
  OrderBodySchema,
  OrderEventSchema,
  OrderListQuerySchema,
  OrderListSchema,
  OrderSchema,
  PickupBoardSchema,
  PlaceOrderSchema,
  PrintJobSchema,
  PrintResultSchema,
  PushKeySchema,
  PushSubscriptionInputSchema,
  ReadyPushSchema,
  RegisteredPrinterSchema,
  RegisterPrinterSchema,
  routes,
  StartEventSchema,
  StationBodySchema,
  StationIdSchema,
  StationPutSchema,
  StationSchema,
  TickerEventSchema,
  UpdateOrderSchema,
  UuidSchema,
} from '../../contract/index.ts'
import { pushRoutes } from '../../contract/push-routes.ts'

/**
 * Every schema of the document, generated from the contract's schemas (the ones that validate
 * requests and that readers check payloads against), so the document cannot drift from them.
 * The MQTT payloads are listed too: integrators read their shape here.
 */
function schemas(): Record<string, unknown> {
  const defs = toJsonSchemaDefs(
    {
      PlaceOrder: PlaceOrderSchema,
      UpdateOrder: UpdateOrderSchema,
      DrinkUpdate: DrinkUpdateSchema,
      Drink: DrinkSchema,
      DrinkBody: DrinkBodySchema,
      Station: StationSchema,
      StationPut: StationPutSchema,
      StationBody: StationBodySchema,
      Order: OrderSchema,
      OrderBody: OrderBodySchema,
      OrderList: OrderListSchema,
      Menu: MenuSchema,
      Event: EventSchema,
      StartEvent: StartEventSchema,
      EventBody: EventBodySchema,
      Error: ErrorBodySchema,
      OrderEvent: OrderEventSchema,
      TickerEvent: TickerEventSchema,
      PickupBoard: PickupBoardSchema,
      PushSubscription: PushSubscriptionInputSchema,
      PushKey: PushKeySchema,
      ReadyPush: ReadyPushSchema,
      RegisterPrinter: RegisterPrinterSchema,
      RegisteredPrinter: RegisteredPrinterSchema,
      CloudprntPrinterList: CloudprntPrinterListSchema,
      PrintJob: PrintJobSchema,
      PrintResult: PrintResultSchema,
      ClientStatus: ClientStatusSchema,
    },
    { target: 'draft-2020-12', errorMode: 'ignore', overrideAction: graphemes },
  )
  // The converter points references at `$defs`; OpenAPI keeps them under components.
  return JSON.parse(JSON.stringify(defs).replaceAll('"#/$defs/', '"#/components/schemas/'))
}

/**
 * Nicknames and notes count characters as a guest does (grapheme clusters), which JSON Schema
 * cannot say: its `minLength`/`maxLength` count code points. The document gives the code point
 * bounds that follow from the limits, and the character counts as `x-minGraphemes`/`x-maxGraphemes`.
 */
function graphemes({ valibotAction, jsonSchema }: OverrideActionContext): JsonSchema | undefined {
  const { type, requirement } = valibotAction as { type: string; requirement?: unknown }
  if (typeof requirement !== 'number') return undefined
  if (type === 'min_graphemes')
    return { ...jsonSchema, minLength: requirement, 'x-minGraphemes': requirement } as JsonSchema
  if (type === 'max_graphemes') {
    const maxLength = requirement * limits.characterCodePoints
    return { ...jsonSchema, maxLength, 'x-maxGraphemes': requirement } as JsonSchema
  }
  return undefined
}
const jsonSchema = (schema: GenericSchema) => {
  const { $schema: _, ...rest } = toJsonSchema(schema, { target: 'draft-2020-12', errorMode: 'ignore' })
  return rest
}

/**
 * A query parameter from its schema. A list is sent comma-separated (`explode: false`); a
 * default is the text the query carries, given as the number it is read as.
 */
function queryParameter(name: string, schema: GenericSchema) {
  const json = jsonSchema(schema)
  if (json.type === 'integer' && typeof json.default === 'string') json.default = Number(json.default)
  return { name, in: 'query', ...(json.type === 'array' ? { explode: false } : {}), schema: json }
}

const pathParameter = (name: string, schema: GenericSchema) => ({
  name,
  in: 'path',
  required: true,
  schema: jsonSchema(schema),
})

/** A route as OpenAPI writes it: `/api/orders/{id}` for `/api/orders/:id`. */
const openApiPath = (route: string) => route.replace(/:(\w+)/g, '{$1}')
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } })
const reply = (description: string, name: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
})
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), reply(errorText[status] ?? 'error', 'Error')]))
const errorText: Record<number, string> = {
  400: 'invalid input (unknown fields too)',
  401: 'credentials missing or wrong',
  403: 'not allowed for this caller',
  404: 'no such resource',
  409:
    'conflict: sold_out, too_many_open_orders, invalid_transition, not_editable, not_undoable, undo_expired, ' +
    'id_conflict, station_in_use, too_many_stations',
  413: 'body over 4 KiB',
  415: 'body is not JSON',
  429: 'rate limited; see Retry-After',
  503: 'a dependency is down',
}
const bar = [{ bar: [] }]

let built: ReturnType<typeof build> | undefined

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the schemas that validate requests: on
 * its first use and then kept, so neither a pod's cold start nor later requests pay for it.
 */
export function openApiDocument() {
  built ??= build()
  return built
}

function build() {
  return {
    openapi: '3.1.0',
    info: { title: 'Drinks', version: '1', description: 'Drink orders for events.' },
    components: {
      securitySchemes: {
        bar: { type: 'http', scheme: 'bearer', description: 'BAR_TOKEN' },
        printer: { type: 'http', scheme: 'basic', description: "a CloudPRNT printer's user name and password" },
      },
      schemas: schemas(),
    },
    paths: {
      [openApiPath(routes.orders)]: {
        post: {
          summary: 'Place an order; the same id and body again is answered 200 with the stored order',
          requestBody: body('PlaceOrder'),
          responses: {
            '201': reply('placed', 'OrderBody'),
            '200': reply('already placed with this id', 'OrderBody'),
            ...errors(400, 409, 413, 415, 429, 503),
          },
        },
        get: {
          summary: "A guest's orders (guestId), or all orders for the bar; newest first",
          security: [{}, ...bar],
          parameters: Object.entries(OrderListQuerySchema.entries).map(([name, schema]) =>
            queryParameter(name, schema),
          ),
          responses: {
            '200': {
              description: 'a page of orders, or a CSV download',
              content: { 'application/json': { schema: ref('OrderList') }, 'text/csv': { schema: { type: 'string' } } },
            },
            ...errors(400, 401),
          },
        },
      },
      [openApiPath(routes.order)]: {
        patch: {
          summary:
            'The bar moves an order along, or with undo: true takes its last move back within UNDO_SECONDS; ' +
            'its guest changes or cancels it while placed',
          security: [{}, ...bar],
          parameters: [pathParameter('id', UuidSchema)],
          requestBody: body('UpdateOrder'),
          responses: { '200': reply('changed', 'OrderBody'), ...errors(400, 401, 403, 404, 409, 413, 415) },
        },
      },
      [openApiPath(routes.menu)]: {
        get: { summary: 'The drinks and the stations', responses: { '200': reply('the menu', 'Menu') } },
      },
      [openApiPath(routes.drink)]: {
        put: {
          summary: 'Change a drink: sold out, or its station (null: none)',
          security: bar,
          parameters: [pathParameter('drinkId', DrinkIdSchema)],
          requestBody: body('DrinkUpdate'),
          responses: {
            '200': {
              description: 'changed',
              content: { 'application/json': { schema: ref('DrinkBody') } },
            },
            ...errors(400, 401, 404, 413, 415),
          },
        },
      },
      [openApiPath(routes.station)]: {
        put: {
          summary: 'Create or replace a station (a counter: its name and where guests pick up)',
          security: bar,
          parameters: [pathParameter('stationId', StationIdSchema)],
          requestBody: body('StationPut'),
          responses: {
            '201': reply('created', 'StationBody'),
            '200': reply('replaced', 'StationBody'),
            ...errors(400, 401, 409, 413, 415),
          },
        },
        delete: {
          summary: 'Remove a station no drink belongs to',
          security: bar,
          parameters: [pathParameter('stationId', StationIdSchema)],
          responses: { '204': { description: 'removed' }, ...errors(401, 404, 409) },
        },
      },
      [pushRoutes.key]: {
        get: {
          summary: 'The VAPID public key a browser subscribes to pushes with (applicationServerKey)',
          responses: { '200': reply('the key', 'PushKey'), ...errors(503) },
        },
      },
      [pushRoutes.subscriptions]: {
        post: {
          summary:
            "Keep a browser's push subscription for a guest id: a ready order of that guest is pushed to it " +
            '(payload: ReadyPush, encrypted per RFC 8291). Forgotten once the guest has no open order, or when the push service says it is gone',
          requestBody: body('PushSubscription'),
          responses: {
            '201': { description: 'kept' },
            ...errors(400, 413, 415, 429, 503),
          },
        },
      },
      [openApiPath(routes.events)]: {
        post: {
          summary:
            'Start a new event: its pickup numbers start at 1, the live queue and the pickup board start ' +
            'empty; earlier events keep their orders (GET /api/orders?event=all)',
          security: bar,
          requestBody: body('StartEvent'),
          responses: { '201': reply('started; now the current event', 'EventBody'), ...errors(400, 401, 413, 415) },
        },
      },
      [openApiPath(cloudprntRoutes.setting)]: {
        get: {
          summary:
            'Star CloudPRNT "Server setting information request": a registered printer, with its user name and ' +
            'password (HTTP Basic), gets the broker and its MQTT credentials',
          security: [{ printer: [] }],
          parameters: [
            { name: 'mac', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'replaced_path', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'star_cloudprnt_server_setting 1.0.0: MQTT only, Full MQTT' },
            ...errors(400, 401, 503),
          },
        },
      },
      [openApiPath(cloudprntRoutes.printers)]: {
        get: {
          summary: 'The registered CloudPRNT printers',
          security: bar,
          responses: { '200': reply('the printers', 'CloudprntPrinterList'), ...errors(401) },
        },
        post: {
          summary: 'Register a Star CloudPRNT printer by MAC to a station (or all); its password is shown this once',
          security: bar,
          requestBody: body('RegisterPrinter'),
          responses: {
            '201': reply('registered', 'RegisteredPrinter'),
            ...errors(400, 401, 409, 413, 415),
          },
        },
      },
      [openApiPath(cloudprntRoutes.printer)]: {
        delete: {
          summary: 'Remove a CloudPRNT printer: it can no longer fetch its settings nor log in',
          security: bar,
          parameters: [{ name: 'mac', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'removed' }, ...errors(401, 404) },
        },
      },
      [openApiPath(routes.healthz)]: { get: { summary: 'Liveness', responses: { '200': { description: 'running' } } } },
      [openApiPath(routes.readyz)]: {
        get: {
          summary: 'Readiness: Postgres answers and the schema is migrated (the broker may be away)',
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      [openApiPath(routes.openapi)]: {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
  }
}
