import type { Addressed } from './rules';

/**
 * An outbound channel (SMS, WeChat …): told of each notification after it committed. The rules never
 * know which channels exist, so a real one is added by passing it to buildApp (`channels`).
 */
export interface OutboundChannel {
  name: string;
  send(n: Addressed & { id: number }): Promise<void>;
}

/** The default channel: one log line per notification (what a real transport would send). */
export function loggingChannel(log: (obj: object, msg: string) => void): OutboundChannel {
  return {
    name: 'log',
    send: async (n) => log({ notification: n.id, kind: n.kind, account: n.recipientAccount, role: n.recipientRole, org: n.recipientOrgId ?? n.recipientPath }, 'notification sent (logging channel)'),
  };
}
