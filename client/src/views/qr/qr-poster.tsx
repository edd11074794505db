import type { ReadonlySignal } from '@preact/signals-core'
import { locales } from '../../../../contract/index.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { staffWords } from '../../i18n/staff-dictionary.ts'
import type { PageConfig } from '../../lib/page-config.ts'
import { isLoopbackUrl, loopbackWarning } from './qr-loopback.ts'
import { qrShape } from './qr-path.ts'

/** Quiet zone around the code, in modules, as scanners expect. */
const margin = 4

/** A printable A4 poster: event name, the code, the address, one line in each language. */
export function QrPoster({ config, i18n }: { config: ReadonlySignal<PageConfig | null>; i18n: I18n<StaffMessages> }) {
  const loaded = config.value
  const messages = i18n.messages.value
  if (!loaded) return <main class="poster" aria-busy="true" />
  const title = loaded.eventName || messages.appName
  const { size, d } = qrShape(loaded.publicUrl)
  const box = size + margin * 2
  return (
    <main class="poster">
      <h1>{title}</h1>
      {isLoopbackUrl(loaded.publicUrl) && (
        <p class="problem poster-warning" role="alert">
          {loopbackWarning[i18n.locale.value]}
        </p>
      )}
      <svg
        class="qr"
        viewBox={`0 0 ${box} ${box}`}
        role="img"
        aria-label={loaded.publicUrl}
        shape-rendering="crispEdges"
      >
        <rect width={box} height={box} fill="#fff" />
        <path d={d} transform={`translate(${margin} ${margin})`} fill="#000" />
      </svg>
      <p class="poster-url">{loaded.publicUrl}</p>
      <ul class="poster-lines">
        {locales.map((locale) => (
          <li key={locale} lang={locale}>
            {staffWords[locale].qrInstruction}
          </li>
        ))}
      </ul>
      <button type="button" class="primary no-print" onClick={() => window.print()}>
        {messages.print}
      </button>
    </main>
  )
}
