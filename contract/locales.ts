/** The page's languages; a module of its own, so the guest page has them without the menu's schemas. */
export const locales = ['en', 'de', 'fr', 'it'] as const
export type Locale = (typeof locales)[number]
