import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorDetail } from './types';

/**
 * A validator for the subset of OpenAPI 3.0 that LINE's documents use: $ref, allOf, type, required,
 * properties, additionalProperties, items, enum, min/max(Length|Items|imum), pattern, nullable, format uri,
 * and discriminators.
 *
 * LINE's documents put the discriminator on the base schema (Message, Action, FlexComponent...) and each
 * concrete schema includes the base through allOf. A JSON-schema validator would loop or ignore that, so
 * here a reference to a base with a discriminator dispatches on the tag to the mapped schema, and the
 * base reached again through that schema's allOf is checked without dispatching.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  nullable?: boolean;
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
};

type OpenApiDocument = {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

type Operation = {
  template: string;
  regex: RegExp;
  literalSegments: number;
  method: string;
  schema?: Schema;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

const child = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

export class OpenApiValidator {
  private readonly operations: Operation[];
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly document: OpenApiDocument) {
    this.operations = [];
    for (const [template, item] of Object.entries(document.paths)) {
      const segments = template.split('/').filter(Boolean);
      const regex = new RegExp(
        `^/${segments.map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`,
      );
      const literalSegments = segments.filter((s) => !s.startsWith('{')).length;
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        this.operations.push({ template, regex, literalSegments, method: method.toUpperCase(), schema });
      }
    }
    // The most literal template wins: /v2/bot/richmenu/list before /v2/bot/richmenu/{richMenuId}.
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  static load(specPath?: string): OpenApiValidator {
    const file = specPath ?? locateSpec('messaging-api.json');
    return new OpenApiValidator(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument);
  }

  /** The operation LINE's document defines for that method and path, if any. */
  findOperation(method: string, pathname: string): { template: string; hasJsonBody: boolean } | undefined {
    const op = this.operations.find((o) => o.method === method.toUpperCase() && o.regex.test(pathname));
    return op && { template: op.template, hasJsonBody: op.schema !== undefined };
  }

  /** Problems of a JSON request body against the operation's schema (empty when valid or unknown). */
  validateRequest(method: string, pathname: string, body: unknown): ErrorDetail[] {
    const op = this.operations.find((o) => o.method === method.toUpperCase() && o.regex.test(pathname));
    if (!op?.schema) return [];
    return this.validate(op.schema, body);
  }

  /** Problems of a value against a schema or `#/components/schemas/<name>`. */
  validate(schema: Schema | string, value: unknown, root = ''): ErrorDetail[] {
    const errors: ErrorDetail[] = [];
    const start =
      typeof schema === 'string'
        ? { $ref: schema.includes('/') ? schema : `#/components/schemas/${schema}` }
        : schema;
    this.check(start, value, root, errors, false);
    return errors;
  }

  private resolve(ref: string): Schema {
    const prefix = '#/components/schemas/';
    if (!ref.startsWith(prefix)) throw new Error(`Unsupported $ref ${ref}`);
    const target = this.document.components.schemas[ref.slice(prefix.length)];
    if (!target) throw new Error(`Unknown schema ${ref}`);
    return target;
  }

  private check(
    schema: Schema,
    value: unknown,
    at: string,
    errors: ErrorDetail[],
    noDispatch: boolean,
  ): void {
    if (schema.$ref) {
      this.check(this.resolve(schema.$ref), value, at, errors, noDispatch);
      return;
    }
    if (value === null && schema.nullable) return;

    if (schema.discriminator && !noDispatch) {
      this.dispatch(schema, value, at, errors);
      return;
    }

    if (schema.type && !typeMatches(schema.type, value)) {
      errors.push({ message: `Must be of type ${schema.type}`, property: at });
      return;
    }

    if (schema.enum && !schema.enum.includes(value)) {
      errors.push({
        message: `Must be one of the following values: [${schema.enum.join(', ')}]`,
        property: at,
      });
    }

    if (typeof value === 'string') {
      if (schema.minLength !== undefined || schema.maxLength !== undefined) {
        if (value.length < (schema.minLength ?? 0) || value.length > (schema.maxLength ?? Infinity)) {
          errors.push({
            message: `Length must be between ${schema.minLength ?? 0} and ${schema.maxLength ?? 'infinity'}`,
            property: at,
          });
        }
      }
      if (schema.pattern && !this.regex(schema.pattern).test(value)) {
        errors.push({ message: `Must match ${schema.pattern}`, property: at });
      }
      if (schema.format === 'uri' && !isAbsoluteUri(value)) {
        errors.push({ message: 'Must be a valid URI', property: at });
      }
    }

    if (typeof value === 'number') {
      if (schema.minimum !== undefined && value < schema.minimum) {
        errors.push({ message: `Must be greater than or equal to ${schema.minimum}`, property: at });
      }
      if (schema.maximum !== undefined && value > schema.maximum) {
        errors.push({ message: `Must be less than or equal to ${schema.maximum}`, property: at });
      }
    }

    if (Array.isArray(value)) {
      if (schema.minItems !== undefined || schema.maxItems !== undefined) {
        if (value.length < (schema.minItems ?? 0) || value.length > (schema.maxItems ?? Infinity)) {
          errors.push({
            message: `Size must be between ${schema.minItems ?? 0} and ${schema.maxItems ?? 'infinity'}`,
            property: at,
          });
        }
      }
      if (schema.items)
        value.forEach((item, i) => this.check(schema.items as Schema, item, child(at, i), errors, false));
    }

    if (isObject(value)) {
      for (const name of schema.required ?? []) {
        if (value[name] === undefined || value[name] === null) {
          errors.push({ message: 'May not be empty', property: child(at, name) });
        }
      }
      for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
        if (value[name] !== undefined)
          this.check(propertySchema, value[name], child(at, name), errors, false);
      }
      if (isObject(schema.additionalProperties)) {
        const extra = schema.additionalProperties;
        for (const [name, item] of Object.entries(value)) {
          if (!schema.properties?.[name]) this.check(extra, item, child(at, name), errors, false);
        }
      }
    } else if (!schema.type && (schema.required?.length || schema.properties) && value !== undefined) {
      errors.push({ message: 'Must be of type object', property: at });
      return;
    }

    for (const part of schema.allOf ?? []) {
      // The base of a discriminated family, reached from one of its members: check its own keywords only.
      const base = part.$ref ? this.resolve(part.$ref) : part;
      this.check(base, value, at, errors, base.discriminator !== undefined);
    }
    for (const options of [schema.oneOf, schema.anyOf]) {
      if (!options) continue;
      const passing = options.filter((option) => this.validate(option, value, at).length === 0).length;
      if (passing === 0 || (options === schema.oneOf && passing > 1)) {
        errors.push({ message: 'Does not match the allowed shapes', property: at });
      }
    }
  }

  private dispatch(schema: Schema, value: unknown, at: string, errors: ErrorDetail[]): void {
    if (!isObject(value)) {
      errors.push({ message: 'Must be of type object', property: at });
      return;
    }
    const { propertyName, mapping = {} } = schema.discriminator!;
    const tag = value[propertyName];
    if (tag === undefined || tag === null) {
      errors.push({ message: 'May not be empty', property: child(at, propertyName) });
      return;
    }
    const target = typeof tag === 'string' ? mapping[tag] : undefined;
    if (!target) {
      errors.push({
        message: `Must be one of the following values: [${Object.keys(mapping).join(', ')}]`,
        property: child(at, propertyName),
      });
      return;
    }
    this.check({ $ref: target }, value, at, errors, true);
  }

  private regex(pattern: string): RegExp {
    let compiled = this.patterns.get(pattern);
    if (!compiled) {
      compiled = new RegExp(pattern, 'u');
      this.patterns.set(pattern, compiled);
    }
    return compiled;
  }
}

function isAbsoluteUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** The vendored copy beside this file, from src/ (tsx, jest) or from dist/ after a build. */
export function locateSpec(fileName: string): string {
  const candidates = [
    path.join(__dirname, 'openapi', fileName),
    path.resolve(__dirname, '../../../src/line-emulator/openapi', fileName),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(`LINE OpenAPI document ${fileName} not found (looked in ${candidates.join(', ')})`);
  return found;
}
