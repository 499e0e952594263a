import type { ErrorRequestHandler, RequestHandler } from 'express';
import { PublicError, type ErrorSink } from '../errors';
import { loggedPath } from './logged-path';

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint.' } });
};

/** Answers every error as JSON without internals; unexpected ones go to the error sink. */
export function errorHandler(reportError: ErrorSink): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof PublicError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    // body-parser and raw-body errors carry an HTTP status and a type we can name safely.
    const status =
      typeof err?.status === 'number'
        ? err.status
        : typeof err?.statusCode === 'number'
          ? err.statusCode
          : 500;
    if (status === 413) {
      res
        .status(413)
        .json({ error: { code: 'payload_too_large', message: 'The request body is too large.' } });
      return;
    }
    if (status === 400 && err?.type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
      return;
    }
    if (status >= 400 && status < 500) {
      res
        .status(status)
        .json({ error: { code: 'bad_request', message: 'The request could not be processed.' } });
      return;
    }
    reportError(err, { requestId: req.id, method: req.method, path: loggedPath(req.path) });
    if (databaseUnreachable(err)) {
      // A passing outage, not a fault of the request: LINE redelivers, people and pages try again.
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({
          error: { code: 'unavailable', message: 'The service is briefly unavailable.', requestId: req.id },
        });
      return;
    }
    res
      .status(500)
      .json({ error: { code: 'internal', message: 'Something went wrong on our side.', requestId: req.id } });
  };
}

const RETRY_AFTER_SECONDS = 5;

/** The driver's errors for a database it cannot reach (stopped, restarting, no primary yet). */
const UNREACHABLE =
  /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|ClientClosed|PoolCleared|OperationTimeout)Error$/;
/** Server answers of a replica set between primaries: not primary, shutting down, stepped down. */
const BETWEEN_PRIMARIES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** Also when wrapped: a bulk write that met a dead connection carries the network error inside. */
function databaseUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const inner = (err as { errorResponse?: unknown }).errorResponse;
  const code = (err as { code?: unknown }).code;
  return (
    UNREACHABLE.test(err.name) ||
    (inner instanceof Error && UNREACHABLE.test(inner.name)) ||
    (typeof code === 'number' && BETWEEN_PRIMARIES.has(code))
  );
}
