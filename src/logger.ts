import pino from 'pino';

/**
 * Structured logs. Personal data never goes to the log: request bodies are not logged, and
 * anything that slips through under these keys is censored.
 */
export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { service: 'needline' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-line-signature"]',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.phone',
        '*.displayName',
        '*.text',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = pino.Logger;
