import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';
import { parseChannelNames } from './modules/notifications/channel';

export interface NotifyConfig extends ServiceConfig {
  /** NOTIFY_STREAM_HEARTBEAT_MS (15000): a comment on every open stream this often. */
  streamHeartbeatMs: number;
  /** NOTIFY_STREAM_TICKET_SECONDS (30): how long a stream ticket waits to be used. */
  streamTicketSeconds: number;
  /** NOTIFY_CHANNELS (`log`): the outbound transports each notification is handed to, comma-separated. */
  channels: string[];
}

const positiveInt = (env: NodeJS.ProcessEnv, name: string, dflt: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};

/** The only reader of process.env in this service (NOTIFY_PORT, default 8084; its database `<base>_notify`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  return {
    ...loadServiceConfig(env, 'notify', 8084),
    streamHeartbeatMs: positiveInt(env, 'NOTIFY_STREAM_HEARTBEAT_MS', 15_000),
    streamTicketSeconds: positiveInt(env, 'NOTIFY_STREAM_TICKET_SECONDS', 30),
    channels: parseChannelNames(env.NOTIFY_CHANNELS),
  };
}
