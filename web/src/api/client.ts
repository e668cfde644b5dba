/**
 * The one HTTP client of the SPA. Components never call fetch: they call the typed
 * functions in src/api/<domain>.ts, which go through `request` here.
 *
 * Auth: the access token lives in the auth store; the client only asks for it through
 * the hooks registered with `configureAuth`, so this module has no import cycle with Pinia.
 * On a 401 it tries POST /api/auth/refresh once (the HttpOnly refresh cookie rides along),
 * then retries the original call; if the refresh fails the session is over.
 */

export interface ApiErrorBody {
  statusCode?: number
  code?: string
  message?: string
  /** The values the message names (`{entity, from, action}` of a WRONG_STATE): the SPA words the code with them. */
  params?: Record<string, unknown>
  details?: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details?: unknown
  readonly params?: Record<string, unknown>

  constructor(status: number, code: string, message: string, details?: unknown, params?: Record<string, unknown>) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.params = params
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

export interface AuthHooks {
  /** Current access token, or null when signed out. */
  getToken(): string | null
  /** Obtain a fresh access token with the refresh cookie; resolves false when that fails. */
  refresh(): Promise<boolean>
  /** The session cannot be recovered: clear state and go to the login page. */
  onSessionExpired(): void
}

let hooks: AuthHooks | null = null

export function configureAuth(h: AuthHooks): void {
  hooks = h
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** false: send no token and do not try to refresh on 401 (login, refresh, public pages). */
  auth?: boolean
  signal?: AbortSignal
  /** Extra request headers, e.g. `Idempotency-Key` on state changes. */
  headers?: Record<string, string>
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: ApiErrorBody | null = null
  try {
    const text = await res.text()
    body = text ? (JSON.parse(text) as ApiErrorBody) : null
  } catch {
    body = null
  }
  return new ApiError(
    res.status,
    body?.code ?? `HTTP_${res.status}`,
    typeof body?.message === 'string' ? body.message : res.statusText ?? '',
    body?.details,
    body?.params && typeof body.params === 'object' ? body.params : undefined,
  )
}

async function send(method: Method, path: string, opts: RequestOptions, token: string | null, accept = 'application/json'): Promise<Response> {
  // The answer's messages (import errors …) in the page's language.
  const headers: Record<string, string> = { 'Accept-Language': (typeof document !== 'undefined' && document.documentElement.lang) || 'zh-CN', ...opts.headers, Accept: accept }
  // A FormData body (file uploads) sets its own multipart Content-Type with the boundary.
  const isForm = typeof FormData !== 'undefined' && opts.body instanceof FormData
  if (opts.body !== undefined && !isForm) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : isForm ? (opts.body as FormData) : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : String(e))
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/** True for the 401 of a token whose session was ended (the body stays readable). */
async function sessionEnded(res: Response): Promise<boolean> {
  try {
    const body = (await res.clone().json()) as { code?: unknown }
    return body?.code === 'SESSION_ENDED'
  } catch {
    return false
  }
}

/** Sends with the token; on a 401 refreshes once and retries (not for SESSION_ENDED); throws ApiError unless 2xx. */
async function authorised(method: Method, path: string, opts: RequestOptions, accept?: string): Promise<Response> {
  const auth = opts.auth !== false ? hooks : null
  const sentToken = auth ? auth.getToken() : null
  let res = await send(method, path, opts, sentToken, accept)

  if (res.status === 401 && auth) {
    // Another call may already have refreshed while this one was in flight: then just retry.
    const current = auth.getToken()
    const tokenChanged = current !== null && current !== sentToken
    // An ended session (logout, password change, account disabled, logout everywhere) cannot be
    // refreshed: straight to the login page.
    const refreshed = tokenChanged ? true : (await sessionEnded(res)) ? false : await auth.refresh()
    if (refreshed) {
      res = await send(method, path, opts, auth.getToken(), accept)
    }
    if (res.status === 401) {
      const err = await toApiError(res)
      auth.onSessionExpired()
      throw err
    }
  }

  if (!res.ok) throw await toApiError(res)
  return res
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  return parse<T>(await authorised(method, path, opts))
}

export interface Download {
  blob: Blob
  /** From Content-Disposition (RFC 5987 `filename*` preferred), else the fallback. */
  filename: string
}

function filenameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('Content-Disposition') ?? ''
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // malformed encoding: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd)
  return plain ? plain[1].trim() : fallback
}

/** A file (Excel export …) fetched with the token, as a Blob the caller saves. */
export async function download(path: string, query: Query | undefined, fallbackName: string, opts: Omit<RequestOptions, 'query' | 'body'> = {}): Promise<Download> {
  const res = await authorised('GET', path, { ...opts, query }, '*/*')
  return { blob: await res.blob(), filename: filenameOf(res, fallbackName) }
}

export const http = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PUT', path, { ...opts, body }),
  delete: <T>(path: string, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('DELETE', path, opts),
  /** multipart/form-data (file uploads), with the token and the one refresh on 401 like every call. */
  postForm: <T>(path: string, form: FormData, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: form }),
}
