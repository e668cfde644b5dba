import type { IsoDate } from '@/api/types'

const pad = (n: number) => String(n).padStart(2, '0')

/** 集中服务日: the 15th and the 25th of every month (the service's own rule, for defaults in forms). */
export function isServiceDay(date: IsoDate | null | undefined): boolean {
  if (!date) return false
  const d = Number(date.slice(8, 10))
  return d === 15 || d === 25
}

/** The first service day on or after `from` ('YYYY-MM-DD'). */
export function nextServiceDay(from: IsoDate): IsoDate {
  const [y, m, d] = from.split('-').map(Number)
  if (d <= 15) return `${y}-${pad(m)}-15`
  if (d <= 25) return `${y}-${pad(m)}-25`
  return m === 12 ? `${y + 1}-01-15` : `${y}-${pad(m + 1)}-15`
}

/** First and last day of the month of `date`. */
export function monthRange(date: Date): { from: IsoDate; to: IsoDate } {
  const y = date.getFullYear()
  const m = date.getMonth() + 1
  const last = new Date(y, m, 0).getDate()
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` }
}
