import type { Locale } from '../../../../contract/index.ts'

/** Whether a URL points at the machine that opens it (`localhost`, 127.x, ::1), so no phone can follow it. */
export function isLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '::1'
}

/**
 * The warning on a poster whose code points at the machine itself. Only the poster needs it, so
 * its words stay here rather than in every bar display's download.
 */
export const loopbackWarning: Readonly<Record<Locale, string>> = {
  en: 'This code points to this computer only: phones cannot open it. Start with PUBLIC_URL set to an address phones reach, e.g. PUBLIC_URL=http://192.168.1.20:8080.',
  de: 'Dieser Code zeigt nur auf diesen Computer: Handys können ihn nicht öffnen. Starte mit PUBLIC_URL auf einer Adresse, die Handys erreichen, z. B. PUBLIC_URL=http://192.168.1.20:8080.',
  fr: 'Ce code ne mène qu’à cet ordinateur : les téléphones ne peuvent pas l’ouvrir. Démarrez avec PUBLIC_URL sur une adresse que les téléphones atteignent, p. ex. PUBLIC_URL=http://192.168.1.20:8080.',
  it: 'Questo codice porta solo a questo computer: i telefoni non possono aprirlo. Avvia con PUBLIC_URL su un indirizzo raggiungibile dai telefoni, ad es. PUBLIC_URL=http://192.168.1.20:8080.',
}
