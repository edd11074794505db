import type { Messages } from '../../i18n/guest-messages.ts'
import type { ReadyNotifier } from '../../models/ready-notifier.ts'

/** Offers a notification for the ready moment, while the browser has not been asked yet. */
export function NotifyOffer({ notifier, messages }: { notifier: ReadyNotifier; messages: Messages }) {
  switch (notifier.permission.value) {
    case 'default':
      return (
        <button type="button" class="notify" data-testid="notify-me" onClick={() => void notifier.enable()}>
          {messages.notifyMe}
        </button>
      )
    case 'granted':
      return (
        <p class="hint" data-testid="notify-on">
          {messages.notifyOn}
        </p>
      )
    default:
      return null
  }
}
