import { createLogger } from '../../src/logger';

/** Tests log only errors unless TEST_LOG_LEVEL says otherwise. */
export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
