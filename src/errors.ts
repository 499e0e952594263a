import type { Logger } from './logger';

/** An error whose message is safe to show to the client that caused it. */
export class PublicError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PublicError';
  }
}

/**
 * The one error sink: every failure that is not answered where it happened ends here, with its
 * context, so it is logged once and in one shape. Context must not hold personal data.
 */
export function createErrorSink(logger: Logger) {
  return function reportError(error: unknown, context: Record<string, unknown> = {}): void {
    const err = error instanceof Error ? error : new Error(String(error));
    logger.error(
      { ...context, err: { name: err.name, message: err.message, stack: err.stack } },
      'unhandled error',
    );
  };
}

export type ErrorSink = ReturnType<typeof createErrorSink>;
