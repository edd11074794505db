import { limits } from '../../../../contract/index.ts'

const choices = Array.from({ length: limits.quantity }, (_, index) => index + 1)

export function QuantitySelect({ id, value, onChange }: { id: string; value: number; onChange: (n: number) => void }) {
  return (
    <select id={id} value={String(value)} onChange={(event) => onChange(Number(event.currentTarget.value))}>
      {choices.map((n) => (
        <option key={n} value={String(n)}>
          {n}
        </option>
      ))}
    </select>
  )
}
