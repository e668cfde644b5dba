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

/** A timestamp as local 'YYYY-MM-DD HH:mm' (same in both languages, as on paper forms). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${toIsoDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A timestamp's local calendar date. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : toIsoDate(d)
}
