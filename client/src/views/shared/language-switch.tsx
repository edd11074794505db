import { locales } from '../../../../contract/locales.ts'
import { localeNames } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'

export function LanguageSwitch({ i18n }: { i18n: I18n }) {
  return (
    <label class="language">
      <span class="visually-hidden">{i18n.messages.value.language}</span>
      <select
        value={i18n.locale.value}
        onChange={(event) => {
          const next = locales.find((locale) => locale === event.currentTarget.value)
          if (next) void i18n.setLocale(next)
        }}
      >
        {locales.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {localeNames[locale]}
          </option>
        ))}
      </select>
    </label>
  )
}
