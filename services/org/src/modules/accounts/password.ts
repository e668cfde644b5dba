import { randomInt } from 'node:crypto';

/** The password rule for everyone: 10–128 characters, a letter and a digit, not the username inside it. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 10 || password.length > 128) return 'must be 10 to 128 characters long';
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) return 'must contain at least one letter and one digit';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  return null;
}

// No 0/O, 1/l/I: the one-time password is read off a screen and typed in by someone else.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A one-time password (12 characters, ~70 bits) that satisfies passwordProblem for any username of 3+ characters it does not contain. */
export function oneTimePassword(username: string): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    if (!passwordProblem(s, username)) return s;
  }
}
