import { limits } from '../../../../contract/order-status.ts'

const choices = Array.from({ length: limits.quantity }, (_, index) => index + 1)

interface QuantitySelectProps {
  id: string
  value: number
  /** Writes a number in the page's language. */
  format: (n: number) => string
  onChange: (n: number) => void
}

export function QuantitySelect({ id, value, format, onChange }: QuantitySelectProps) {
  return (
    <select id={id} value={String(value)} onChange={(event) => onChange(Number(event.currentTarget.value))}>
      {choices.map((n) => (
        <option key={n} value={String(n)}>
          {format(n)}
        </option>
      ))}
    </select>
  )
}
