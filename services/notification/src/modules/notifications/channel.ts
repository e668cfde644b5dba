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

/** What a transport is built with (the service's logger; a real one adds its credentials from its own env). */
export interface ChannelContext {
  log: (obj: object, msg: string) => void;
}

/**
 * The transports by name, as NOTIFY_CHANNELS lists them (comma-separated, default `log`). A real SMS
 * or WeChat transport is one more entry here (name → factory): the rules and the consumers never change.
 */
export const CHANNEL_FACTORIES: Readonly<Record<string, (ctx: ChannelContext) => OutboundChannel>> = {
  log: (ctx) => loggingChannel(ctx.log),
};

/** Parses NOTIFY_CHANNELS: known names, no duplicates; throws naming an unknown one. */
export function parseChannelNames(raw: string | undefined): string[] {
  const names = (raw ?? 'log').split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!Object.hasOwn(CHANNEL_FACTORIES, n)) throw new Error(`NOTIFY_CHANNELS: unknown channel ${n} (known: ${Object.keys(CHANNEL_FACTORIES).join(', ')})`);
  }
  return [...new Set(names)];
}

/** The channels NOTIFY_CHANNELS names. */
export function createChannels(names: readonly string[], ctx: ChannelContext): OutboundChannel[] {
  return names.map((n) => CHANNEL_FACTORIES[n](ctx));
}
