// What the guest page shows once there is something to show: the orders with their change
// form, the ready banner, the ticker. Their data comes from the API and MQTT after the first
// paint anyway, so their code is loaded then too, keeping the first download small.
export { OrderEditor } from '../../models/order-editor.ts'
export { MyOrders } from './my-orders.tsx'
export { ReadyBanner } from './ready-banner.tsx'
export { Ticker } from './ticker.tsx'
