import { describe, expect, it } from 'vitest'
import { TickerModel } from './ticker-model.ts'

describe('TickerModel', () => {
  it('keeps the latest few, newest first, once each', () => {
    const ticker = new TickerModel(2)
    const at = (minute: number) => `2026-11-25T20:0${minute}:00.000Z`
    ticker.push({ nickname: 'A', drinkId: 'tea', at: at(1) })
    ticker.push({ nickname: 'B', drinkId: 'tea', at: at(3) })
    ticker.push({ nickname: 'B', drinkId: 'tea', at: at(3) })
    ticker.push({ nickname: 'C', drinkId: 'beer', at: at(2) })
    expect(ticker.items.value.map((e) => e.nickname)).toEqual(['B', 'C'])
  })

  it('keeps entries without a nickname, once each', () => {
    const ticker = new TickerModel()
    const at = '2026-11-25T20:01:00.000Z'
    ticker.push({ nickname: null, drinkId: 'tea', at })
    ticker.push({ nickname: null, drinkId: 'tea', at })
    ticker.push({ nickname: null, drinkId: 'beer', at })
    expect(ticker.items.value).toHaveLength(2)
  })
})
