import * as v from 'valibot'

/** Printable ASCII: one code point, one character (grapheme cluster) each. */
export const printableAscii = /^[\x20-\x7e]*$/

type GraphemeAction = v.MinGraphemesAction<string, number, string> | v.MaxGraphemesAction<string, number, string>

/**
 * Valibot's `minGraphemes`/`maxGraphemes`, counting printable ASCII by its length. Most names and
 * notes are ASCII; segmenting them starts ICU's break iterator, a fifth of a function's first
 * order, and a few percent of every order after. Anything else, and every refusal, goes through
 * valibot's own count and message. The action keeps its type and requirement for the OpenAPI document.
 */
function countAsciiByLength<A extends GraphemeAction>(action: A): A {
  return {
    ...action,
    '~run'(dataset, config) {
      if (dataset.typed && printableAscii.test(dataset.value)) {
        const count = dataset.value.length
        if (action.type === 'min_graphemes' ? count >= action.requirement : count <= action.requirement) return dataset
      }
      return action['~run'](dataset, config)
    },
  } as A
}

export const minGraphemes = (requirement: number, message: string) =>
  countAsciiByLength(v.minGraphemes<string, number, string>(requirement, message))
export const maxGraphemes = (requirement: number, message: string) =>
  countAsciiByLength(v.maxGraphemes<string, number, string>(requirement, message))
