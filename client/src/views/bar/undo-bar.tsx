import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { BarModel } from '../../models/bar-model.ts'

/** The last move, while the server still takes it back; always in the page, so changes are announced. */
export function UndoBar({ bar, i18n }: { bar: BarModel; i18n: I18n<StaffMessages> }) {
  const held = bar.lastMove.value
  const messages = i18n.messages.value
  return (
    <div class={held ? 'undo-bar' : undefined} role="status">
      {held && (
        <>
          <span>{i18n.t('moved', { number: i18n.pickup(held.number), status: messages[statusKey(held.to)] })}</span>
          <button type="button" data-testid="undo" onClick={() => bar.undo()}>
            {messages.undo}
          </button>
        </>
      )}
    </div>
  )
}
