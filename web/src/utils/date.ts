import type { IsoDate } from '@/api/types'

const pad = (n: number) => String(n).padStart(2, '0')

/** Local calendar date as 'YYYY-MM-DD' (the API's date format). */
export function toIsoDate(d: Date): IsoDate {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function todayIso(): IsoDate {
  return toIsoDate(new Date())
}

/** True when the unit (or position) has ended on or before `on`. */
export function hasEnded(validTo: IsoDate | null | undefined, on: IsoDate = todayIso()): boolean {
  return !!validTo && validTo <= on
}
