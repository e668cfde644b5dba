import { ref } from 'vue'
import { type AppNotification, streamTicket, streamUrl } from '@/api/notifications'

/**
 * The live notifications (Server-Sent Events through the gateway), one connection per page however
 * many components listen. A ticket is fetched with the token (POST /api/notify/stream/ticket: the
 * client refreshes an expired token on the way), then an EventSource opened with it. When the stream
 * fails or ends (a replica restarting, the token's lifetime over) it is opened again with a new
 * ticket after 1 s, 2 s, 4 s … up to 30 s, from the last notification received (`lastEventId`: the
 * service replays what was missed). `live` is false meanwhile: the bell then polls every 15 s.
 */
const live = ref(false)
/** The id of the newest notification received on the stream (null: none yet). */
const lastEventId = ref<number | null>(null)
const listeners = new Set<(n: AppNotification) => void>()
let source: EventSource | null = null
let users = 0
let failures = 0
let retry: ReturnType<typeof setTimeout> | undefined
let generation = 0

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000]

function scheduleReconnect(gen: number): void {
  live.value = false
  if (gen !== generation || users === 0) return
  const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]
  failures++
  clearTimeout(retry)
  retry = setTimeout(() => void connect(gen), delay)
}

async function connect(gen: number): Promise<void> {
  if (gen !== generation || users === 0 || typeof EventSource === 'undefined') return
  let ticket: string
  try {
    ticket = (await streamTicket()).ticket
  } catch {
    scheduleReconnect(gen)
    return
  }
  if (gen !== generation || users === 0) return
  const es = new EventSource(streamUrl(ticket, lastEventId.value))
  source = es
  es.onopen = () => {
    failures = 0
    live.value = true
  }
  es.addEventListener('notification', (e) => {
    const m = e as MessageEvent<string>
    let n: AppNotification
    try {
      n = JSON.parse(m.data) as AppNotification
    } catch {
      return
    }
    if (lastEventId.value === null || n.id > lastEventId.value) lastEventId.value = n.id
    for (const l of listeners) l(n)
  })
  // the browser would retry on its own with the same, now used, ticket: this side reconnects instead
  es.onerror = () => {
    es.close()
    if (source === es) source = null
    scheduleReconnect(gen)
  }
}

function disconnect(): void {
  generation++
  clearTimeout(retry)
  source?.close()
  source = null
  live.value = false
  failures = 0
}

export function useNotificationStream() {
  /** Starts (or joins) the stream; returns the function that leaves it (closed when nobody listens). */
  function subscribe(onNotification: (n: AppNotification) => void): () => void {
    listeners.add(onNotification)
    users++
    if (users === 1) void connect(++generation)
    return () => {
      listeners.delete(onNotification)
      users--
      if (users === 0) disconnect()
    }
  }
  return { live, lastEventId, subscribe }
}
