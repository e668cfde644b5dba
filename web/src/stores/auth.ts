import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import type { LoginResponse, Role, User } from '@/api/types'

const TOKEN_KEY = 'rh.accessToken'
const USER_KEY = 'rh.user'
/**
 * Set (in localStorage, shared by the tabs) while this browser holds a refresh cookie from a
 * login; without it a visit never asks POST /api/auth/refresh, which could only answer 401.
 */
const HAS_SESSION_KEY = 'rh.hasSession'

function hasSessionHint(): boolean {
  try {
    return localStorage.getItem(HAS_SESSION_KEY) === '1'
  } catch {
    return true // storage unavailable: fall back to asking the server
  }
}

function setSessionHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HAS_SESSION_KEY, '1')
    else localStorage.removeItem(HAS_SESSION_KEY)
  } catch {
    // Private mode or quota: the next visit then asks the server once.
  }
}

function readSession(key: string): string | null {
  try {
    return sessionStorage.getItem(key)
  } catch {
    return null
  }
}

function readUser(): User | null {
  try {
    const raw = readSession(USER_KEY)
    return raw ? (JSON.parse(raw) as User) : null
  } catch {
    return null
  }
}

/** The token is stored as the bare string (tools read it as is); the user as JSON. */
function writeSession(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key)
    else sessionStorage.setItem(key, value)
  } catch {
    // Private mode or quota: the session then simply does not survive a reload.
  }
}

/**
 * Refresh tokens rotate and reuse of an old one revokes the whole family, so two refreshes
 * must never race: inside one tab they share one promise, across tabs they queue on a Web Lock
 * (each then sends whatever cookie is current when its turn comes).
 */
async function withRefreshLock(fn: () => Promise<boolean>): Promise<boolean> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks) return fn()
  return await locks.request('rh-auth-refresh', fn)
}

export const useAuthStore = defineStore('auth', () => {
  // Kept in memory and in sessionStorage (per tab) so a reload keeps the session.
  const accessToken = ref<string | null>(readSession(TOKEN_KEY))
  const user = ref<User | null>(readUser())
  /** Set once the app tried to recover a session from the refresh cookie. */
  const restoreAttempted = ref(false)

  /**
   * This tab holds (or held) a session that has not been signed out here and whose loss has not been told yet:
   * the one fact that decides the one 登录已过期 message, whichever call or navigation notices the loss first
   * (takeLostSession). Not reactive: nothing renders from it.
   */
  let held = accessToken.value !== null

  const isAuthenticated = computed(() => accessToken.value !== null)
  const role = computed<Role | null>(() => user.value?.role ?? null)

  function apply(res: LoginResponse): void {
    accessToken.value = res.accessToken
    user.value = res.user
    writeSession(TOKEN_KEY, res.accessToken)
    writeSession(USER_KEY, JSON.stringify(res.user))
    setSessionHint(true)
    held = true
  }

  /** True once per lost session (a refresh that failed, an ended session): the caller tells the user. */
  function takeLostSession(): boolean {
    const was = held
    held = false
    return was
  }

  function clear(): void {
    accessToken.value = null
    user.value = null
    writeSession(TOKEN_KEY, null)
    writeSession(USER_KEY, null)
    setSessionHint(false)
  }

  async function login(username: string, password: string): Promise<User> {
    const res = await authApi.login(username, password)
    apply(res)
    restoreAttempted.value = true
    return res.user
  }

  let inFlight: Promise<boolean> | null = null

  function refresh(): Promise<boolean> {
    if (!inFlight) {
      inFlight = withRefreshLock(async () => {
        try {
          apply(await authApi.refresh())
          return true
        } catch {
          clear()
          return false
        }
      }).finally(() => {
        inFlight = null
      })
    }
    return inFlight
  }

  /**
   * On first navigation without a token, try the refresh cookie once (e.g. a new tab) — only when
   * this browser signed in and has not signed out since: a first visit to the login page sends nothing.
   */
  async function restore(): Promise<boolean> {
    if (isAuthenticated.value) return true
    if (restoreAttempted.value) return false
    restoreAttempted.value = true
    if (!hasSessionHint()) return false
    return refresh()
  }

  async function loadMe(): Promise<User> {
    const me = await authApi.me()
    user.value = me
    writeSession(USER_KEY, JSON.stringify(me))
    return me
  }

  async function logout(): Promise<void> {
    held = false // signed out on purpose: a late 401 of a call still in flight is no news
    try {
      await authApi.logout()
    } catch {
      // The server session may already be gone; signing out locally is what matters.
    } finally {
      clear()
    }
  }

  /** Ends the account's sessions on every device (a lost phone, a shared computer); signed out here too. */
  async function logoutEverywhere(): Promise<void> {
    held = false
    try {
      await authApi.logoutEverywhere()
    } finally {
      clear()
    }
  }

  /** The signed-in user still has a one-time password: the app asks for a new one before anything else. */
  const mustChangePassword = computed(() => isAuthenticated.value && user.value?.mustChangePassword === true)

  /** Changes the own password; on success the user no longer has to (the account's other sessions are signed out). */
  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    // The answer is a new session: until now the token opened nothing but this change (403 PASSWORD_CHANGE_REQUIRED).
    apply(await authApi.changePassword({ currentPassword, newPassword }))
  }

  function hasRole(roles: readonly Role[] | undefined): boolean {
    if (!roles || roles.length === 0) return true
    return role.value !== null && roles.includes(role.value)
  }

  return { accessToken, user, role, isAuthenticated, mustChangePassword, login, logout, logoutEverywhere, refresh, restore, loadMe, clear, takeLostSession, changePassword, hasRole }
})
