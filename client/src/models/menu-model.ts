import { computed, createModel, signal } from '@preact/signals-core'
import type { Drink, Event, Locale, Menu, Station } from '../../../contract/index.ts'

/** The drinks, stations and current event as last heard from `GET /api/menu` or the retained `public/menu`. */
export const MenuModel = createModel(() => {
  /** Null until the menu first arrives. */
  const drinks = signal<readonly Drink[] | null>(null)
  const byId = computed(() => new Map((drinks.value ?? []).map((drink) => [drink.id, drink])))
  const stations = signal<readonly Station[]>([])
  /** Null until a menu names it. */
  const event = signal<Event | null>(null)
  return {
    drinks,
    byId,
    /** The counters where drinks are made and picked up; none at a one-bar event. */
    stations,
    event,
    apply(menu: Menu) {
      drinks.value = menu.drinks
      stations.value = menu.stations ?? []
      // A menu read before the event started (the API's answer racing the broker's) must not bring the old one back.
      if (menu.event && menu.event.id >= (event.value?.id ?? 0)) event.value = menu.event
    },
    /** Shows a sold-out switch at once; the broker's `public/menu` confirms or corrects it. */
    setAvailable(drinkId: string, available: boolean) {
      if (!drinks.value) return
      drinks.value = drinks.value.map((drink) => (drink.id === drinkId ? { ...drink, available } : drink))
    },
  }
})

export type MenuModel = InstanceType<typeof MenuModel>

/** A drink's name in the locale; its id when the menu does not know it (any more). */
export function drinkName(drinks: ReadonlyMap<string, Drink>, drinkId: string, locale: Locale): string {
  return drinks.get(drinkId)?.name[locale] || drinkId
}
