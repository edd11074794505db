import type { Locale } from '../../../../contract/index.ts'

/**
 * The words of the push offer that the first screen never shows: kept with the order list's
 * code, loaded after the first paint, rather than in the language files the first paint waits for.
 */
export const pushWords: Record<Locale, { install: string; failed: string }> = {
  en: {
    install:
      'To be notified when your drink is ready, add this page to your home screen (Share, then "Add to Home Screen") and open it from there.',
    failed: 'Notifications could not be turned on here. Keep this page open to see when your drink is ready.',
  },
  de: {
    install:
      'Um benachrichtigt zu werden, wenn dein Getränk bereit ist, füge diese Seite zum Home-Bildschirm hinzu (Teilen, dann „Zum Home-Bildschirm“) und öffne sie von dort.',
    failed:
      'Benachrichtigungen liessen sich hier nicht einschalten. Lass diese Seite offen, um zu sehen, wann dein Getränk bereit ist.',
  },
  fr: {
    install:
      "Pour être prévenu quand ta boisson est prête, ajoute cette page à l'écran d'accueil (Partager, puis « Sur l'écran d'accueil ») et ouvre-la depuis là.",
    failed:
      "Les notifications n'ont pas pu être activées ici. Garde cette page ouverte pour voir quand ta boisson est prête.",
  },
  it: {
    install:
      'Per essere avvisato quando la tua bevanda è pronta, aggiungi questa pagina alla schermata Home (Condividi, poi «Aggiungi alla schermata Home») e aprila da lì.',
    failed:
      'Non è stato possibile attivare le notifiche qui. Tieni aperta questa pagina per vedere quando la tua bevanda è pronta.',
  },
}
