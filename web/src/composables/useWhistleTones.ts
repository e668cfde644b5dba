import { tonesOf, type Tone } from '@redheart/workflows/labels/label'
import { RESPONSE_LABELS, WHISTLE_LABELS } from '@redheart/workflows/labels/whistle'

const WHISTLE: Record<string, Tone> = tonesOf(WHISTLE_LABELS.states)
const RESPONSE: Record<string, Tone> = tonesOf(RESPONSE_LABELS.states)

/** The tag type of a whistle's status (its tone in the workflow's labels). */
export const whistleTone = (status: string): Tone => WHISTLE[status] ?? 'info'
/** The tag type of a department's answer: overdue first, else its status's tone. */
export const responseTone = (status: string, overdue: boolean): Tone => (overdue ? 'danger' : RESPONSE[status] ?? 'info')
