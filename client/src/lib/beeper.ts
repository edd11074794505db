import { signal } from '@preact/signals-core'

/**
 * A short two-tone beep through Web Audio. Browsers only let a page make sound after a user
 * gesture, so `enable` must run inside a click or tap; until then `beep` is silent, and
 * `unlocked` says so.
 */
export function createBeeper() {
  let context: AudioContext | null = null
  const unlocked = signal(false)

  function tone(at: number, frequency: number) {
    if (!context) return
    const oscillator = context.createOscillator()
    const gain = context.createGain()
    oscillator.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18)
    oscillator.connect(gain).connect(context.destination)
    oscillator.start(at)
    oscillator.stop(at + 0.2)
  }

  return {
    unlocked,
    enable() {
      context ??= new AudioContext()
      context.resume().then(
        () => {
          unlocked.value = context?.state === 'running'
        },
        () => {},
      )
    },
    beep() {
      if (context?.state !== 'running') return
      tone(context.currentTime, 880)
      tone(context.currentTime + 0.22, 1320)
    },
  }
}
