export * from './errors';
export * from './validation';
export * from './auth';
export * from './keys';
export * from './audit';
export * from './db';
export * from './embedded-pg';
export * from './request-id';
