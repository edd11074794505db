import { Component } from 'preact'

interface ConfirmButtonProps {
  label: string
  confirmLabel: string
  onConfirm: () => void
  disabled?: boolean
  class?: string
  testId?: string
}

/** How long the armed button waits for the second tap. */
const armedMs = 4000

/**
 * A button for what is hard to take back: the first tap arms it and changes its label, the
 * second within four seconds does it. Arming is a detail of this button, so the state stays
 * here; it reads only its props, which is what lets it re-render on its own (see mount-view.ts).
 */
export class ConfirmButton extends Component<ConfirmButtonProps, { armed: boolean }> {
  override state = { armed: false }
  private timer: ReturnType<typeof setTimeout> | undefined

  private arm(armed: boolean) {
    clearTimeout(this.timer)
    if (armed) this.timer = setTimeout(() => this.arm(false), armedMs)
    this.setState({ armed })
  }

  override componentWillUnmount() {
    clearTimeout(this.timer)
  }

  override render({ label, confirmLabel, onConfirm, disabled, testId, ...rest }: ConfirmButtonProps) {
    const { armed } = this.state
    return (
      <button
        type="button"
        class={`${rest.class ?? ''}${armed ? ' armed' : ''}`}
        disabled={disabled}
        data-testid={testId}
        onClick={() => {
          this.arm(!armed)
          if (armed) onConfirm()
        }}
      >
        {armed ? confirmLabel : label}
      </button>
    )
  }
}
