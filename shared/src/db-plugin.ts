import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';

declare module 'fastify' {
  interface FastifyInstance {
    /** The primary: writes, and reads that must see them (read-your-own-write). */
    db: DataSource;
    /**
     * A streaming replica (`<SERVICE>_DATABASE_READ_URL`) for reads that tolerate a little lag
     * (lists, search, statistics, public board); the primary itself when there is none. Never write here.
     */
    dbRead: DataSource;
  }
}

/**
 * Opens the DataSource (and the replica's, when given) with the app and closes them in onClose
 * (when the app owns them); nothing connects at import time.
 */
export const dataSourcePlugin = fp<{ dataSource: DataSource; readDataSource?: DataSource; owned: boolean }>(
  async (app, opts) => {
    const read = opts.readDataSource ?? opts.dataSource;
    if (!opts.dataSource.isInitialized) await opts.dataSource.initialize();
    if (!read.isInitialized) await read.initialize();
    app.decorate('db', opts.dataSource);
    app.decorate('dbRead', read);
    app.addHook('onClose', async () => {
      if (!opts.owned) return;
      if (read !== opts.dataSource && read.isInitialized) await read.destroy();
      if (opts.dataSource.isInitialized) await opts.dataSource.destroy();
    });
  },
  { name: 'redheart-db' },
);
