import { http } from './client'
import type { LoginResponse, User } from './types'

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

export function me(): Promise<User> {
  return http.get<User>('/api/auth/me')
}
