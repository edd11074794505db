import { createModel, effect, signal } from '@preact/signals-core'
import type { Locale } from '../../../contract/index.ts'

/** 0 fresh; 1, 2, 3 once each threshold is passed (amber, orange, red on the bar display). */
export type WaitLevel = 0 | 1 | 2 | 3

/** Whole minutes since `since`, never negative (a clock a little ahead does not show "-1 min"). */
export function waitedMinutes(since: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(since)) / 60_000))
}

const minutesFormats = new Map<Locale, Intl.NumberFormat>()

/**
 * A wait in minutes, short, in the language (`4 min`, `4 Min.`). Here rather than in the I18n
 * object, which the guest page's first download carries and which never shows minutes.
 */
export function minutesText(locale: Locale, value: number): string {
  let format = minutesFormats.get(locale)
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'short' })
    minutesFormats.set(locale, format)
  }
  return format.format(value)
}

/** How urgent a wait is: the number of thresholds (in minutes, ascending) it has reached. */
export function waitLevel(since: string, now: number, thresholds: readonly number[]): WaitLevel {
  const minutes = (now - Date.parse(since)) / 60_000
  return thresholds.filter((threshold) => minutes >= threshold).length as WaitLevel
}

/** The current time as a signal, a tick every `everyMs`: what wait times are counted against. */
export const Clock = createModel((everyMs = 15_000, read: () => number = Date.now) => {
  const now = signal(read())
  effect(() => {
    const timer = setInterval(() => {
      now.value = read()
    }, everyMs)
    return () => clearInterval(timer)
  })
  return { now }
})

export type Clock = InstanceType<typeof Clock>
