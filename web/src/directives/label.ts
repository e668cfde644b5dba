import type { Directive } from 'vue'

const LABELLED = (el: Element) => el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby') || ((el as HTMLInputElement).labels?.length ?? 0) > 0

function apply(el: HTMLElement, label: string): void {
  const targets = el.matches('input, textarea') ? [el] : Array.from(el.querySelectorAll('input:not([type="hidden"]), textarea'))
  for (const input of targets) {
    // Only an input nobody named: the component's own label (a pager's 跳至 box) wins.
    if (!LABELLED(input) || input.getAttribute('data-v-label') === '1') {
      if (input.getAttribute('aria-label') !== label) input.setAttribute('aria-label', label)
      input.setAttribute('data-v-label', '1')
    }
  }
}

/**
 * `v-label="text"`: an accessible name for the text boxes inside a component that takes no
 * `aria-label` of its own (the page-size select of el-pagination, a date picker's inputs), so a
 * screen reader names the control rather than reading its placeholder. Inputs that already have a
 * name keep it.
 */
export const vLabel: Directive<HTMLElement, string> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
}
