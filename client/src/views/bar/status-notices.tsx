import { fill } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { type BarNotice, barNotices } from '../../models/bar-status.ts'
import type { BarApp } from './bar-app.ts'

const troubleMessage = {
  offline: 'cloudprntOffline',
  paper: 'cloudprntPaper',
  cover: 'cloudprntCover',
  error: 'cloudprntError',
  jobFailed: 'cloudprntJobFailed',
} as const

/** A printer's notice; a failed job names its order's pickup number when the display knows the order. */
function cloudprntText(notice: Extract<BarNotice, { kind: 'cloudprnt' }>, messages: StaffMessages, app: BarApp) {
  const order = notice.jobToken ? app.store.byId.value.get(notice.jobToken) : undefined
  const words = { printer: notice.name, code: notice.code }
  if (notice.trouble === 'jobFailed' && order)
    return fill(messages.cloudprntOrderFailed, { ...words, number: order.number })
  return fill(messages[troubleMessage[notice.trouble]], words)
}

/** The station the display is opened for (`?bar&station=…`); every station without one. */
const displayStation = () => new URLSearchParams(globalThis.location?.search ?? '').get('station')

/** What the bar must act on from the broker's `bar/status`: a printer away or in trouble, orders held up. */
export function StatusNotices({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const notices = barNotices(app.status.value, displayStation())
  if (notices.length === 0) return null
  return (
    <div class="status-notices" role="status" data-testid="status-notices">
      {notices.map((notice) =>
        notice.kind === 'cloudprnt' ? (
          <p class="problem" key={`cloudprnt-${notice.mac}`} data-printer={notice.mac} data-trouble={notice.trouble}>
            {cloudprntText(notice, messages, app)}
          </p>
        ) : notice.kind === 'printerOffline' ? (
          <p class="problem" key={notice.clientId}>
            {fill(messages.printerOffline, { printer: notice.clientId, count: notice.queued })}
          </p>
        ) : (
          <p class="problem" key="orders-waiting">
            {fill(messages.ordersWaiting, { count: notice.messages, seconds: notice.seconds })}
          </p>
        ),
      )}
    </div>
  )
}
