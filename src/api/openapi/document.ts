/**
 * The OpenAPI 3.1 document, generated from the zod schemas with zod's own `z.toJSONSchema`:
 * requests from the schemas the routes validate with, answers from ./responses.ts, errors from the
 * catalogue in ./errors.ts, the signature schemes as security schemes, callbacks as `webhooks`.
 */
import { z } from 'zod';
import type { Config } from '../../../config';
import { ERROR_CODES, GOOGLE_FORMAT_CODES, type ErrorCode } from './errors';
import { GoogleError, operations, type Operation, type Security } from './operations';
import { CallbackBatch, CallbackPayload, ErrorBody } from './responses';

type Json = Record<string, unknown>;

const SECURITY_SCHEMES: Record<Security, Json> = {
  signature: {
    type: 'apiKey', in: 'header', name: 'X-Signature',
    description:
      'CMS requests: `t=<unix seconds>[,n=<nonce>],v2=<hex HMAC-SHA256(secret, "<t>.<n>.<METHOD>.<path>.<raw body>")>` (path with query, as sent); several `v2=` during rotation; ' +
      'timestamps more than `http.signatureToleranceSeconds` (300) off are refused, and a signature is accepted once. The deprecated `v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` is accepted on `POST …/comments` only. See README "Public API v1".',
  },
  moderator: { type: 'http', scheme: 'bearer', description: 'Moderator token; the service keeps only its SHA-256.' },
  admin: { type: 'http', scheme: 'bearer', description: 'Admin token (`admin.tokenSha256`); the embedded `demo-admin` is refused in production.' },
  perspectiveKey: { type: 'apiKey', in: 'query', name: 'key', description: 'Perspective-compatible key of a site (also accepted as the `X-Goog-Api-Key` header).' },
  coralSignature: { type: 'apiKey', in: 'header', name: 'X-Coral-Signature', description: 'Coral Talk: `sha256=<hex HMAC-SHA256(secret, raw body)>`, several comma-separated during rotation.' },
  ticket: { type: 'apiKey', in: 'query', name: 'ticket', description: 'Single-use ticket from `POST …/moderation/events/ticket` (EventSource cannot send headers).' },
};

/** JSON Schema of a zod schema; named sub-schemas (`.meta({id})`) move to `components.schemas`. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Json): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  const defs = (json.$defs ?? {}) as Record<string, Json>;
  delete json.$defs;
  delete json.$schema;
  const toComponents = (value: unknown): Json => JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\//g, '"#/components/schemas/'));
  for (const [id, def] of Object.entries(defs)) components[id] ??= toComponents(def);
  return toComponents(json);
}

function errorResponses(codes: readonly ErrorCode[], components: Json): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  const out: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const google = list.every((c) => GOOGLE_FORMAT_CODES.includes(c));
    const schema = google
      ? toSchema(GoogleError, 'output', components)
      : { allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: list } } } } }] };
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join(' '),
      content: { 'application/json': { schema } },
    };
  }
  return out;
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParameters(query: Operation['query'], components: Json): Json[] {
  if (!query) return [];
  const json = toSchema(query, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema }));
}

function operationObject(op: Operation, components: Json): Json {
  const responses: Record<string, Json> = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    const type = answer.contentType ?? 'application/json';
    responses[status] = {
      description: answer.description,
      ...(status === '204' ? {} : { content: { [type]: { schema: answer.schema ? toSchema(answer.schema, 'output', components) : type === 'application/json' ? { type: 'object' } : { type: 'string' } } } }),
    };
  }
  Object.assign(responses, errorResponses(op.errors, components));
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    security: op.security.map((s) => ({ [s]: [] })),
    parameters: [...pathParameters(op.path), ...queryParameters(op.query, components)],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(op.body, 'input', components) } } } } : {}),
    responses,
  };
}

/** The whole document for this deployment (limits such as the longest comment come from the config). */
export function openApiDocument(config: Readonly<Config>): Json {
  const components: Json = {};
  toSchema(ErrorBody, 'output', components); // registers `Error` (named with .meta({id}))
  const paths: Record<string, Json> = {};
  for (const op of operations(config)) {
    const item = (paths[op.path] ??= {}) as Json;
    item[op.method] = operationObject(op, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Comment moderation service',
      version: '1',
      description: 'Signed CMS webhooks, the moderators\' API, and drop-in Perspective and Coral Talk protocols. Error codes: docs/errors.md.',
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'cms' }, { name: 'moderators' }, { name: 'admin' }, { name: 'perspective' }, { name: 'coral' }, { name: 'ops' }],
    paths,
    webhooks: {
      commentModerated: {
        post: {
          summary: "Sent to the site's callbackUrl after every decision, signed with `X-Signature` in the v1 scheme (`t=…,v1=…` over `\"<t>.<raw body>\"`; 10 attempts with backoff, then the dead-letter list).",
          security: [{ signature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: toSchema(CallbackPayload, 'output', components) } } },
          responses: { '2XX': { description: 'Delivered.' } },
        },
      },
      callbackBatch: {
        post: {
          summary: "Sent instead of single events to a site with `callbackBatchMax`: its due events together, signed the same way.",
          security: [{ signature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: toSchema(CallbackBatch, 'output', components) } } },
          responses: { '2XX': { description: 'Every event of the batch delivered.' } },
        },
      },
    },
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
  };
}
