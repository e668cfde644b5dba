import { http } from './client'
import type { ChangePasswordInput, LoginResponse, User } from './types'

export function login(username: string, password: string): Promise<LoginResponse> {
  return http.post<LoginResponse>('/api/auth/login', { username, password }, { auth: false })
}

/** Uses the HttpOnly `rh_refresh` cookie; the refresh token rotates on every call. */
export function refresh(): Promise<LoginResponse> {
  return http.post<LoginResponse>('/api/auth/refresh', undefined, { auth: false })
}

export function logout(): Promise<void> {
  return http.post<void>('/api/auth/logout', undefined, { auth: false })
}

/** Ends every session of the signed-in account, this one included (204). */
export function logoutEverywhere(): Promise<void> {
  return http.post<void>('/api/auth/logout-everywhere')
}

export function me(): Promise<User> {
  return http.get<User>('/api/auth/me')
}

/**
 * A fresh session like login (its token no longer carries the one-time-password claim; the refresh
 * cookie rotates); 400 WRONG_CURRENT_PASSWORD or WEAK_PASSWORD. The account's other sessions are signed out.
 */
export function changePassword(input: ChangePasswordInput): Promise<LoginResponse> {
  return http.post<LoginResponse>('/api/auth/password', input)
}
