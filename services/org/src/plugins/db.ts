import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';

declare module 'fastify' {
  interface FastifyInstance {
    db: DataSource;
  }
}

/** Opens the DataSource with the app and closes it in onClose; nothing connects at import time. */
export default fp<{ dataSource: DataSource; owned: boolean }>(
  async (app, opts) => {
    if (!opts.dataSource.isInitialized) await opts.dataSource.initialize();
    app.decorate('db', opts.dataSource);
    app.addHook('onClose', async () => {
      if (opts.owned && opts.dataSource.isInitialized) await opts.dataSource.destroy();
    });
  },
  { name: 'org-db' },
);
