import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';

declare module 'fastify' {
  interface FastifyInstance {
    db: DataSource;
  }
}

/** Opens the DataSource with the app and closes it in onClose (when the app owns it); nothing connects at import time. */
export const dataSourcePlugin = fp<{ dataSource: DataSource; owned: boolean }>(
  async (app, opts) => {
    if (!opts.dataSource.isInitialized) await opts.dataSource.initialize();
    app.decorate('db', opts.dataSource);
    app.addHook('onClose', async () => {
      if (opts.owned && opts.dataSource.isInitialized) await opts.dataSource.destroy();
    });
  },
  { name: 'redheart-db' },
);
