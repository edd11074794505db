import { useSignal, useSignalEffect } from '@preact/signals'

interface ConfirmButtonProps {
  label: string
  confirmLabel: string
  onConfirm: () => void
  disabled?: boolean
  class?: string
  testId?: string
}

/**
 * A button for what cannot be undone: the first tap arms it and changes its label, the second
 * within four seconds does it. Arming is a detail of this button, so the state stays here.
 */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, testId, ...rest }: ConfirmButtonProps) {
  const armed = useSignal(false)
  useSignalEffect(() => {
    if (!armed.value) return
    const timer = setTimeout(() => {
      armed.value = false
    }, 4000)
    return () => clearTimeout(timer)
  })
  return (
    <button
      type="button"
      class={`${rest.class ?? ''}${armed.value ? ' armed' : ''}`}
      disabled={disabled}
      data-testid={testId}
      onClick={() => {
        if (!armed.value) {
          armed.value = true
          return
        }
        armed.value = false
        onConfirm()
      }}
    >
      {armed.value ? confirmLabel : label}
    </button>
  )
}
