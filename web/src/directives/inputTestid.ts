import type { Directive } from 'vue'

function apply(el: HTMLElement, id: string): void {
  const input = el.querySelector('input')
  if (input && input.getAttribute('data-testid') !== id) input.setAttribute('data-testid', id)
}

/**
 * Element Plus date pickers hand their extra attributes to the popper, not to the text box,
 * so a `data-testid` on them never reaches the input. Put this directive on an element that
 * wraps the picker: the id lands on the input inside, which browser tests can fill.
 */
export const vInputTestid: Directive<HTMLElement, string> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
}
