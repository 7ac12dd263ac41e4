// Production entry point: `npx tsx server/broker/main.ts`, configured by environment variables (config.ts).
// Stops gracefully on SIGTERM/SIGINT: in-flight requests finish, then the store is closed.
import { brokerOptionsFromEnv } from './config.js';
import { startBroker } from './index.js';
import { jsonLogger } from './logger.js';

const logger = jsonLogger();
try {
  const broker = await startBroker({ ...brokerOptionsFromEnv(process.env), logger });
  logger.info('listening', { url: broker.url });
  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    broker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  logger.error('start_failed', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
