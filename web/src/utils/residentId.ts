/**
 * Resident ID numbers (GB 11643-1999), checked in the browser before the server sees them:
 * 6-digit division code, 8-digit birth date, 3-digit sequence (odd = male) and the
 * ISO 7064 MOD 11-2 check character (0-9 or X). The server checks again.
 */
import type { IsoDate, Sex } from '@/api/types'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export type ResidentIdProblem = 'empty' | 'format' | 'division' | 'birth_date' | 'check_character'

export interface ResidentIdInfo {
  id: string
  divisionCode: string
  birthDate: IsoDate
  sex: Sex
}

export type ResidentIdResult = { ok: true; info: ResidentIdInfo } | { ok: false; problem: ResidentIdProblem; expected?: string }

export function residentIdCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

export function normaliseResidentId(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase()
}

export function parseResidentId(raw: string, today = new Date()): ResidentIdResult {
  const id = normaliseResidentId(raw ?? '')
  if (!id) return { ok: false, problem: 'empty' }
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return { ok: false, problem: 'format' }
  if (!/^[1-9][0-9]{5}$/.test(id.slice(0, 6))) return { ok: false, problem: 'division' }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  const date = new Date(Date.UTC(y, m - 1, d))
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
  if (!real || y < 1880 || date.getTime() > today.getTime()) return { ok: false, problem: 'birth_date' }
  const expected = residentIdCheckChar(id.slice(0, 17))
  if (expected !== id[17]) return { ok: false, problem: 'check_character', expected }
  return {
    ok: true,
    info: {
      id,
      divisionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
    },
  }
}
