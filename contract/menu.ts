import * as v from 'valibot'

export { type Locale, locales } from './locales.ts'

export const DrinkIdSchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a drink id is lowercase letters, digits and dashes'),
)

export const DrinkSchema = v.object({
  id: DrinkIdSchema,
  name: v.object({ en: v.string(), de: v.string(), fr: v.string(), it: v.string() }),
  image: v.optional(v.string()),
  available: v.boolean(),
  station: v.optional(v.string()),
})
export type Drink = v.InferOutput<typeof DrinkSchema>

/** Body of `GET /api/menu` and payload of the retained `public/menu`. */
export const MenuSchema = v.object({ drinks: v.array(DrinkSchema) })
export type Menu = v.InferOutput<typeof MenuSchema>

/** Body of the answer to `PUT /api/menu/:drinkId`. */
export const DrinkBodySchema = v.object({ drink: DrinkSchema })

/** The bar's change to a drink (`PUT /api/menu/:drinkId`). */
export const DrinkUpdateSchema = v.strictObject({
  available: v.optional(v.boolean()),
})
export type DrinkUpdate = v.InferOutput<typeof DrinkUpdateSchema>
