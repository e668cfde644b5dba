import { loadConfig } from './config';
import { buildApp } from './app';
import { createOrgDataSource } from './data-source';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    config,
    dataSource: createOrgDataSource(config.databaseUrl),
    ownsDataSource: true,
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  const close = async (signal: string) => {
    app.log.info({ signal }, 'closing');
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void close('SIGTERM'));
  process.once('SIGINT', () => void close('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`org service failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
