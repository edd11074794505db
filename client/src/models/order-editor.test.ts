import { describe, expect, it } from 'vitest'
import type { UpdateOrder } from '../../../contract/index.ts'
import { manualTimers, memoryGuestApi } from '../../../test/client/models.ts'
import { ApiError } from '../lib/api-client.ts'
import { memoryStore } from '../lib/storage.ts'
import { newId } from '../lib/uuid.ts'
import { GuestModel } from './guest-model.ts'
import { MenuModel } from './menu-model.ts'
import { OrderEditor } from './order-editor.ts'
import { OrderOutbox } from './order-outbox.ts'
import { OrderStore } from './order-store.ts'

async function setup() {
  const api = memoryGuestApi()
  const store = new OrderStore()
  const menu = new MenuModel()
  menu.apply({ drinks: [{ id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }] })
  const storage = memoryStore()
  const outbox = new OrderOutbox({ storage, send: api.placeOrder, accept: () => {}, schedule: manualTimers().schedule })
  const guest = new GuestModel({ api, storage, store, menu, outbox, newId })
  const sent: UpdateOrder[] = []
  const editor = new OrderEditor({
    api: {
      updateOrder: (id, change) => {
        sent.push(change)
        return api.updateOrder(id, change)
      },
    },
    guestId: guest.guestId.value,
    store,
    accept: guest.accept,
  })
  guest.setNickname('Ana')
  guest.chooseDrink('tea')
  const order = await guest.place()
  if (!order) throw new Error('not placed')
  return { guest, editor, order, sent }
}

describe('OrderEditor', () => {
  it('changes an order through the API and closes the form', async () => {
    const { guest, editor, order, sent } = await setup()
    editor.edit(order)
    editor.updateDraft({ quantity: 4, note: ' hot ' })
    await editor.save()
    expect(sent).toEqual([{ guestId: guest.guestId.value, quantity: 4, note: 'hot' }])
    expect(guest.orders.value[0]).toMatchObject({ quantity: 4, note: 'hot', drinkId: 'tea' })
    expect(editor.editing.value).toBeNull()
    expect(editor.busy.value.size).toBe(0)
  })

  it('sends nothing when nothing changed', async () => {
    const { editor, order, sent } = await setup()
    editor.edit(order)
    await editor.save()
    expect(sent).toEqual([])
    expect(editor.editing.value).toBeNull()
  })

  it('cancels, and the guest hears of it', async () => {
    const { guest, editor, order } = await setup()
    await editor.cancel(order.id)
    expect(guest.orders.value[0]?.status).toBe('cancelled')
    expect(guest.openCount.value).toBe(0)
    expect(guest.announcement.value?.status).toBe('cancelled')
  })

  it('keeps the form open and shows why when the API refuses', async () => {
    const { editor, order } = await setup()
    const store = new OrderStore()
    store.merge([order])
    const refusing = new OrderEditor({
      api: { updateOrder: () => Promise.reject(new ApiError(409, 'invalid_transition', 'already preparing')) },
      guestId: order.guestId,
      store,
      accept: () => {},
    })
    refusing.edit(order)
    refusing.updateDraft({ quantity: 2 })
    await refusing.save()
    expect(refusing.problem.value).toEqual({ code: 'invalid_transition', message: 'already preparing' })
    expect(refusing.editing.value?.quantity).toBe(2)
    expect(refusing.busy.value.size).toBe(0)
    expect(editor.problem.value).toBeNull()
  })
})
