import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { BarAuth } from '../../models/bar-auth.ts'
import '../../styles/token-gate.css'

/** Asks once for the bar token; shown again only when the token was refused. */
export function TokenGate({ auth, messages }: { auth: BarAuth; messages: StaffMessages }) {
  return (
    <main class="gate">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault()
          auth.set(String(new FormData(event.currentTarget).get('token') ?? ''))
        }}
      >
        <h2>{messages.tokenLabel}</h2>
        {auth.refused.value && (
          <p class="problem" role="alert">
            {messages.tokenRefused}
          </p>
        )}
        <div class="field">
          <label for="token">{messages.tokenLabel}</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby="token-help"
          />
          <p id="token-help" class="hint">
            {messages.tokenHelp}
          </p>
        </div>
        <button type="submit" class="primary">
          {messages.tokenOpen}
        </button>
      </form>
    </main>
  )
}
