import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { PublicError } from '../errors';

/** What a route accepts; each part is parsed by its zod schema before the handler runs. */
export type RequestSchemas = {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
};

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ValidInput<S extends RequestSchemas> = {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
};

export type Problem = { in: 'params' | 'query' | 'body'; path: string; message: string };

const PARTS = ['params', 'query', 'body'] as const;

/** Every problem in every part, so a client fixes them all at once. */
export function requestProblems(
  schemas: RequestSchemas,
  raw: Record<(typeof PARTS)[number], unknown>,
): { problems: Problem[]; values: Partial<Record<(typeof PARTS)[number], unknown>> } {
  const problems: Problem[] = [];
  const values: Partial<Record<(typeof PARTS)[number], unknown>> = {};
  for (const part of PARTS) {
    const schema = schemas[part];
    if (!schema) continue;
    // A request without a body leaves req.body undefined; an object schema should still explain what is missing.
    const result = schema.safeParse(part === 'body' ? (raw.body ?? {}) : raw[part]);
    if (result.success) values[part] = result.data;
    else
      for (const issue of result.error.issues)
        problems.push({ in: part, path: issue.path.map(String).join('.'), message: issue.message });
  }
  return { problems, values };
}

/**
 * Parses params, query and body; answers 400 with the list of problems, or keeps the parsed values
 * for the handler (read them with `validInput`). Express 5's req.query is read-only, hence res.locals.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, res, next) => {
    const { problems, values } = requestProblems(schemas, {
      params: req.params,
      query: req.query,
      body: req.body,
    });
    if (problems.length > 0) {
      next(new PublicError(400, 'invalid_request', 'The request is not valid.', { problems }));
      return;
    }
    res.locals.validInput = values;
    next();
  };
}

/** The values `validate(schemas)` parsed, typed by the same schemas. */
export function validInput<S extends RequestSchemas>(res: Response, _schemas: S): ValidInput<S> {
  const values = res.locals.validInput as Partial<ValidInput<S>> | undefined;
  if (!values) throw new Error('validInput called on a route without validate()');
  return { params: values.params, query: values.query, body: values.body } as ValidInput<S>;
}
