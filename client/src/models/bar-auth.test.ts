import { describe, expect, it } from 'vitest'
import { memoryStore } from '../lib/storage.ts'
import { BarAuth, tokenFromHash } from './bar-auth.ts'

describe('tokenFromHash', () => {
  it('takes the token out and keeps the rest of the fragment', () => {
    expect(tokenFromHash('#token=s3cret')).toEqual({ token: 's3cret', hash: '' })
    expect(tokenFromHash('#token=a%2Bb&view=big')).toEqual({ token: 'a+b', hash: '#view=big' })
    expect(tokenFromHash('')).toEqual({ token: null, hash: '' })
  })
})

describe('BarAuth', () => {
  it('keeps a token from the link for the next visit', () => {
    const storage = memoryStore()
    new BarAuth(storage, 'from-link')
    expect(new BarAuth(storage).token.value).toBe('from-link')
  })

  it('forgets a refused token and says so, until a new one is given', () => {
    const storage = memoryStore({ barToken: 'old' })
    const auth = new BarAuth(storage)
    auth.reject()
    expect(auth.token.value).toBeNull()
    expect(auth.refused.value).toBe(true)
    expect(storage.get('barToken')).toBeNull()
    auth.set('  new  ')
    expect(auth.token.value).toBe('new')
    expect(auth.refused.value).toBe(false)
  })
})
