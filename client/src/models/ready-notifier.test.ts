import { describe, expect, it } from 'vitest'
import { makeOrder } from '../../../test/client/models.ts'
import { type NoticeDeps, type NoticePermission, ReadyNotifier } from './ready-notifier.ts'

function browser(start: NoticePermission, answer: NoticePermission = 'granted') {
  const shown: { title: string; body: string; tag: string }[] = []
  const buzzed: number[][] = []
  let hidden = false
  let current = start
  const deps: NoticeDeps = {
    permission: () => current,
    requestPermission: async () => {
      current = answer
      return answer
    },
    isHidden: () => hidden,
    show: async (title, options) => void shown.push({ title, ...options }),
    vibrate: (pattern) => void buzzed.push(pattern),
  }
  return { deps, shown, buzzed, hide: (value: boolean) => (hidden = value) }
}

const text = (order: { number: number }) => ({ title: `#${order.number} is ready`, body: 'Come and get it' })

describe('ReadyNotifier', () => {
  it('vibrates always, and notifies only when allowed and the page is in the background', () => {
    const phone = browser('granted')
    const notifier = new ReadyNotifier(phone.deps)
    const order = makeOrder({ number: 42 })
    notifier.ready(order, text)
    expect(phone.buzzed).toHaveLength(1)
    expect(phone.shown).toEqual([])
    phone.hide(true)
    notifier.ready(order, text)
    expect(phone.shown).toEqual([{ title: '#42 is ready', body: 'Come and get it', tag: `ready-${order.id}` }])
  })

  it('asks once the guest taps, and does not notify without permission', async () => {
    const phone = browser('default', 'denied')
    phone.hide(true)
    const notifier = new ReadyNotifier(phone.deps)
    await notifier.enable()
    expect(notifier.permission.value).toBe('denied')
    notifier.ready(makeOrder(), text)
    expect(phone.shown).toEqual([])
    expect(phone.buzzed).toHaveLength(1)
  })

  it('says when the browser has no notifications', () => {
    expect(new ReadyNotifier(browser('unsupported').deps).permission.value).toBe('unsupported')
  })

  it('subscribes to pushes once allowed, and again on sync; a failed subscription is said', async () => {
    const phone = browser('default')
    let subscriptions = 0
    let failing = false
    const notifier = new ReadyNotifier({
      ...phone.deps,
      pushSupport: () => 'push',
      subscribe: async () => {
        if (failing) throw new Error('push service away')
        subscriptions++
      },
    })
    await notifier.sync()
    expect(subscriptions).toBe(0)
    await notifier.enable()
    expect([subscriptions, notifier.push.value]).toEqual([1, 'on'])
    failing = true
    await notifier.sync()
    expect(notifier.push.value).toBe('failed')
  })

  it('does not subscribe when the guest says no', async () => {
    let subscriptions = 0
    const notifier = new ReadyNotifier({
      ...browser('default', 'denied').deps,
      subscribe: async () => void subscriptions++,
    })
    await notifier.enable()
    expect(subscriptions).toBe(0)
  })

  it('gives the home-screen hint only where pushes need the page installed', () => {
    const deps = browser('unsupported').deps
    expect(new ReadyNotifier({ ...deps, pushSupport: () => 'install' }).installHint.value).toBe(true)
    expect(new ReadyNotifier({ ...deps, pushSupport: () => 'none' }).installHint.value).toBe(false)
  })
})
