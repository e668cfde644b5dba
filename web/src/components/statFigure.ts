/** One figure of a dashboard, as StatCard shows it. */
export interface StatFigure {
  /** Unique on the page (test ids are built from it). */
  key: string
  title: string
  /** null: not known (shown as "—"). */
  value: number | null
  /** A unit after the value (not shown while it is unknown). */
  suffix?: string
  precision?: number
  note?: string
}
