import type { Locale } from '../../../../contract/index.ts'
import type { Messages } from '../../i18n/guest-messages.ts'
import type { ReadyNotifier } from '../../models/ready-notifier.ts'
import { pushWords } from './push-words.ts'

interface NotifyOfferProps {
  notifier: ReadyNotifier
  messages: Messages
  locale: Locale
}

/**
 * Offers a notification for the ready moment, also with the page closed (Web Push), while the
 * browser has not been asked yet; where only a page on the home screen gets pushes (iOS), says so.
 */
export function NotifyOffer({ notifier, messages, locale }: NotifyOfferProps) {
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
          {notifier.push.value === 'failed' ? pushWords[locale].failed : messages.notifyOn}
        </p>
      )
    case 'unsupported':
      return notifier.installHint.value ? (
        <p class="hint" data-testid="notify-install">
          {pushWords[locale].install}
        </p>
      ) : null
    default:
      return null
  }
}
