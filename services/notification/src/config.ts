import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';

export type NotifyConfig = ServiceConfig;

/** The only reader of process.env in this service (NOTIFY_PORT, default 8084; its database `<base>_notify`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  return loadServiceConfig(env, 'notify', 8084);
}
