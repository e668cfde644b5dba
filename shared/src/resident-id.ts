/**
 * Resident identity numbers (GB 11643-1999): 6-digit division code, 8-digit birth date,
 * 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character (0-9 or X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type ResidentIdProblem = 'format' | 'division' | 'birth_date' | 'check_character';

export interface ResidentIdInfo {
  id: string;
  divisionCode: string;
  birthDate: string;
  sex: 'M' | 'F';
}

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Validates and decodes; `today` bounds the birth date (nobody is born tomorrow). */
export function parseResidentId(raw: string, today = new Date()): { ok: true; info: ResidentIdInfo } | { ok: false; problem: ResidentIdProblem; message: string } {
  const id = String(raw ?? '').trim().toUpperCase();
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return { ok: false, problem: 'format', message: 'must be 18 characters: 17 digits and a digit or X' };
  if (!/^[1-9][0-9]{5}$/.test(id.slice(0, 6))) return { ok: false, problem: 'division', message: 'division code (first 6 digits) is not valid' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const valid = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!valid || y < 1880 || date.getTime() > today.getTime()) {
    return { ok: false, problem: 'birth_date', message: `birth date ${id.slice(6, 14)} is not a real past date` };
  }
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_character', message: 'check character (last) does not match' };
  return {
    ok: true,
    info: {
      id,
      divisionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
    },
  };
}

/** `370686********123X`: division code and the last four only, for lists. */
export function maskResidentId(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}

/** Builds a valid number (demo data, tests, benches). */
export function makeResidentId(division: string, birth: string, seq: number, sex: 'M' | 'F'): string {
  let s = seq % 1000;
  if ((s % 2 === 1) !== (sex === 'M')) s = (s + 1) % 1000;
  const first17 = `${division}${birth.replace(/-/g, '')}${String(s).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

const RESIDENT_ID_RE = /\b[1-9][0-9]{5}(?:18|19|20)[0-9]{9}[0-9Xx]\b/g;

/** Every 18-character resident identity number inside a JSON value, masked. */
export function maskIdNumbers<T>(value: T): T {
  if (typeof value === 'string') return value.replace(RESIDENT_ID_RE, (id) => maskResidentId(id)) as T;
  if (Array.isArray(value)) return value.map((v) => maskIdNumbers(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskIdNumbers(v)])) as T;
  }
  return value;
}
