import { effect } from '@preact/signals-core'
import { type ComponentChild, render } from 'preact'

/**
 * Renders `view` into `root`, and again whenever a signal read while rendering changes. Every
 * component renders inside this one effect, so reading `signal.value` is all a component does
 * to follow a model: no hooks and no signals integration in the first download. Model actions
 * batch their writes, so one action is one render; returns the function that stops it.
 */
export function mountView(root: Element, view: () => ComponentChild): () => void {
  return effect(() => {
    render(view(), root)
  })
}
