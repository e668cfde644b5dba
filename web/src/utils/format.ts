/** Coverage rates may come as a fraction (0..1) or a percentage (0..100): show a percentage. */
export function toPercent(rate: number | null | undefined): number {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return 0
  const pct = rate <= 1 ? rate * 100 : rate
  return Math.round(pct * 10) / 10
}

export function ratio(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0
}

export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`
}
