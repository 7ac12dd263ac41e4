// The broker logs with the servers' shared logger (server/common/logger.ts).
export { jsonLogger, silentLogger, type LogFields, type Logger } from '../common/logger.js';
