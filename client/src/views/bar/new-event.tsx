import { Component } from 'preact'
import { eventNameLength } from '../../../../contract/index.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { problemText } from '../shared/problem-text.ts'
import type { BarApp } from './bar-app.ts'

interface NewEventProps {
  app: BarApp
  i18n: I18n<StaffMessages>
}

/**
 * Starts a new event, which cannot be taken back: a dialog asks for its name and says what
 * starting it does, and only its own button starts it. The dialog element is kept by reference,
 * so this is a class: it reads only its props, and re-renders with the view (mount-view.ts).
 */
export class NewEvent extends Component<NewEventProps> {
  // A callback ref rather than createRef: nothing more of Preact in the guest page's first download.
  private dialog: { current: HTMLDialogElement | null } = { current: null }

  private async submit(form: HTMLFormElement) {
    const name = String(new FormData(form).get('name') ?? '')
    if (await this.props.app.bar.startEvent(name)) {
      form.reset()
      this.dialog.current?.close()
    }
  }

  override render({ app, i18n }: NewEventProps) {
    const messages = i18n.messages.value
    const busy = app.bar.busy.value.has('event')
    const problem = app.bar.problem.value
    return (
      <>
        <button type="button" data-testid="new-event" onClick={() => this.dialog.current?.showModal()}>
          {messages.newEvent}
        </button>
        <dialog
          ref={(element) => {
            this.dialog.current = element
          }}
          class="new-event"
          aria-labelledby="new-event-heading"
          aria-describedby="new-event-effect"
        >
          <form
            onSubmit={(event) => {
              event.preventDefault()
              void this.submit(event.currentTarget)
            }}
          >
            <h2 id="new-event-heading">{messages.newEventTitle}</h2>
            <p id="new-event-effect">{messages.newEventEffect}</p>
            <label>
              {messages.newEventName}
              <input name="name" required maxLength={eventNameLength} autoComplete="off" />
            </label>
            {problem && (
              <p class="problem" role="alert">
                {problemText(messages, problem)}
              </p>
            )}
            <div class="dialog-actions">
              <button type="button" onClick={() => this.dialog.current?.close()}>
                {messages.keepEvent}
              </button>
              <button type="submit" class="danger" disabled={busy} aria-busy={busy} data-testid="start-event">
                {messages.startEvent}
              </button>
            </div>
          </form>
        </dialog>
      </>
    )
  }
}
