import { expect, test } from 'vitest'
import { createRateLimiter } from './rate-limit.ts'

test('allows the limit within a window, then says when to come back', () => {
  let now = 60_000
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 }, () => now)
  expect([1, 2, 3].map(() => limiter.take('guest').ok)).toEqual([true, true, true])
  expect(limiter.take('guest')).toEqual({ ok: false, retryAfter: 60 })
  expect(limiter.take('other').ok).toBe(true)
  now += 45_000
  expect(limiter.take('guest')).toEqual({ ok: false, retryAfter: 15 })
})

test('the previous window still counts, fading out, so a burst at a boundary is not doubled', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 4, windowMs: 1000 }, () => now)
  now = 999
  for (let i = 0; i < 4; i++) expect(limiter.take('k').ok).toBe(true)
  now = 1000
  expect(limiter.take('k').ok).toBe(false)
  now = 1500
  // Half of the previous four still count: two more fit.
  expect([limiter.take('k').ok, limiter.take('k').ok, limiter.take('k').ok]).toEqual([true, true, false])
  now = 3000
  expect(limiter.take('k').ok).toBe(true)
})

test('a refunded request gives its place back once, also after the window rolled over', () => {
  let now = 0
  const limiter = createRateLimiter({ limit: 2, windowMs: 1000 }, () => now)
  const first = limiter.take('k')
  expect(limiter.take('k').ok).toBe(true)
  expect(limiter.take('k').ok).toBe(false)
  if (!first.ok) throw new Error('the first request fits')
  first.refund()
  first.refund()
  expect(limiter.take('k').ok).toBe(true)
  expect(limiter.take('k').ok).toBe(false)

  now = 1500
  // Half of the previous window's two still count; a refund there frees its share.
  const late = limiter.take('k')
  expect(late.ok).toBe(true)
  expect(limiter.take('k').ok).toBe(false)
  now = 2200
  if (!late.ok) throw new Error('it fit')
  late.refund()
  expect([limiter.take('k').ok, limiter.take('k').ok, limiter.take('k').ok]).toEqual([true, true, false])
})
