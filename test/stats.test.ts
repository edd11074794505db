import { expect, test } from 'vitest'
import { median, percentile } from './stats.ts'

test('the median is the middle value, or the mean of the two middle ones', () => {
  expect(median([5, 1, 3])).toBe(3)
  expect(median([4, 1, 3, 2])).toBe(2.5)
  expect(median([])).toBeNaN()
})

test('percentiles are nearest-rank over the values in any order', () => {
  const values = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100]
  expect(percentile(values, 50)).toBe(50)
  expect(percentile(values, 90)).toBe(90)
  expect(percentile(values, 99)).toBe(100)
  expect(percentile(values, 100)).toBe(100)
  expect(percentile(values, 0)).toBe(10)
  expect(percentile([], 50)).toBeNaN()
})
