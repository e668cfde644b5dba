export * from './outbox';
export * from './consumer';
export * from './relay';
export * from './nats';
export * from './plugin';
export * from './test-support';
