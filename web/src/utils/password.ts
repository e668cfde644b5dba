/** The password rule the server enforces (POST /api/auth/password), checked before sending. */
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 128

/** What is wrong with a new password, as i18n keys under `password.rules` (empty: acceptable). */
export type PasswordProblem = 'length' | 'letterAndDigit' | 'containsUsername' | 'sameAsCurrent'

export function passwordProblems(password: string, username: string, current: string): PasswordProblem[] {
  const out: PasswordProblem[] = []
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) out.push('length')
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) out.push('letterAndDigit')
  if (username && password.toLowerCase().includes(username.toLowerCase())) out.push('containsUsername')
  if (current && password === current) out.push('sameAsCurrent')
  return out
}
