import { z } from 'zod';
import * as s from './schemas.js';

/**
 * The OpenAPI 3.1 document of the control plane, generated from the same zod
 * schemas the handlers validate with (`z.toJSONSchema`, JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is), so the document cannot drift from the code.
 * @see https://spec.openapis.org/oas/v3.1.0
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonSchema = Record<string, unknown>;

/** Request bodies are described as clients send them (`input`), responses as sent back (`output`). */
const REQUEST_BODIES = {
  CreateUpstream: s.createUpstreamBody,
  PatchUpstream: s.patchUpstreamBody,
  CreateCredential: s.createCredentialBody,
  CreateModel: s.createModelBody,
  PutModel: s.putModelBody,
  CreateKey: s.createKeyBody,
  PatchKey: s.patchKeyBody,
} satisfies Record<string, z.ZodType>;

const RESPONSES = {
  Upstream: s.upstreamView,
  Credential: s.credentialView,
  Model: s.modelView,
  Key: s.keyView,
  CreatedKey: s.createdKeyView,
  Deleted: s.deletedView,
  UsageReport: s.usageReportView,
  LogPage: s.logPageView,
  Error: s.errorView,
} satisfies Record<string, z.ZodType>;

type Component = keyof typeof REQUEST_BODIES | keyof typeof RESPONSES;

interface Operation {
  method: Method;
  path: string;
  tag: 'upstreams' | 'models' | 'keys' | 'usage' | 'logs';
  summary: string;
  body?: keyof typeof REQUEST_BODIES;
  query?: z.ZodObject;
  /** Success status and what it returns; `list` wraps it as `{data: [...]}`; `orCreated` adds a 201. */
  ok: { status: number; schema: keyof typeof RESPONSES; list?: boolean; orCreated?: boolean };
  errors: (400 | 404 | 409)[];
}

const OPERATIONS: Operation[] = [
  { method: 'get', path: '/upstreams', tag: 'upstreams', summary: 'List upstreams, credentials masked', ok: { status: 200, schema: 'Upstream', list: true }, errors: [] },
  { method: 'post', path: '/upstreams', tag: 'upstreams', summary: 'Create an upstream; credentials are encrypted at rest', body: 'CreateUpstream', ok: { status: 201, schema: 'Upstream' }, errors: [400, 409] },
  { method: 'get', path: '/upstreams/{id}', tag: 'upstreams', summary: 'Get an upstream', ok: { status: 200, schema: 'Upstream' }, errors: [404] },
  { method: 'patch', path: '/upstreams/{id}', tag: 'upstreams', summary: 'Change baseUrl, models, headers, timeouts or enabled', body: 'PatchUpstream', ok: { status: 200, schema: 'Upstream' }, errors: [400, 404] },
  { method: 'delete', path: '/upstreams/{id}', tag: 'upstreams', summary: 'Delete an upstream no model route uses', ok: { status: 200, schema: 'Deleted' }, errors: [404, 409] },
  { method: 'post', path: '/upstreams/{id}/credentials', tag: 'upstreams', summary: 'Add a credential to the pool', body: 'CreateCredential', ok: { status: 201, schema: 'Credential' }, errors: [400, 404, 409] },
  { method: 'delete', path: '/upstreams/{id}/credentials/{credentialId}', tag: 'upstreams', summary: 'Remove a credential', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/models', tag: 'models', summary: 'List models and their routes', ok: { status: 200, schema: 'Model', list: true }, errors: [] },
  { method: 'post', path: '/models', tag: 'models', summary: 'Create a model', body: 'CreateModel', ok: { status: 201, schema: 'Model' }, errors: [400, 409] },
  { method: 'get', path: '/models/{id}', tag: 'models', summary: 'Get a model', ok: { status: 200, schema: 'Model' }, errors: [404] },
  { method: 'put', path: '/models/{id}', tag: 'models', summary: 'Replace the routes of a model, or create it (201)', body: 'PutModel', ok: { status: 200, schema: 'Model', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/models/{id}', tag: 'models', summary: 'Delete a model', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/keys', tag: 'keys', summary: 'List client keys, revoked ones included', ok: { status: 200, schema: 'Key', list: true }, errors: [] },
  { method: 'post', path: '/keys', tag: 'keys', summary: 'Create a client key; the plaintext is returned only here', body: 'CreateKey', ok: { status: 201, schema: 'CreatedKey' }, errors: [400, 409] },
  { method: 'get', path: '/keys/{id}', tag: 'keys', summary: 'Get a client key', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'patch', path: '/keys/{id}', tag: 'keys', summary: 'Change group, models, limits or budget', body: 'PatchKey', ok: { status: 200, schema: 'Key' }, errors: [400, 404] },
  { method: 'delete', path: '/keys/{id}', tag: 'keys', summary: 'Revoke a client key (it stays listed)', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'post', path: '/keys/{id}/revoke', tag: 'keys', summary: 'Revoke a client key (it stays listed)', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'get', path: '/usage', tag: 'usage', summary: 'Usage summed by key, group, model or upstream', query: s.usageQuery, ok: { status: 200, schema: 'UsageReport' }, errors: [400] },
  { method: 'get', path: '/logs', tag: 'logs', summary: 'Request log, newest first', query: s.logsQuery, ok: { status: 200, schema: 'LogPage' }, errors: [400] },
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; the message lists every problem as `path: message`',
  401: 'Missing or wrong admin key',
  404: 'No such id',
  409: 'Already exists, or still in use',
};

let cached: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  cached ??= build();
  return cached;
}

function build(): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(REQUEST_BODIES)) schemas[name] = jsonSchema(schema, 'input');
  for (const [name, schema] of Object.entries(RESPONSES)) schemas[name] = jsonSchema(schema, 'output');

  const paths: Record<string, Record<string, unknown>> = {
    '/openapi.json': {
      get: { tags: ['meta'], summary: 'This document', operationId: 'getOpenapi', security: [], responses: { '200': { description: 'OpenAPI 3.1 document' } } },
    },
  };
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard admin API',
      version: '1',
      description: 'The control plane: upstreams, credentials, models, client keys, usage and request logs. Changes take effect on the next request.',
    },
    servers: [{ url: '/admin/api' }],
    security: [{ adminKey: [] }],
    tags: ['upstreams', 'models', 'keys', 'usage', 'logs', 'meta'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <admin key>' } },
      schemas,
    },
  };
}

function operation(op: Operation): JsonSchema {
  const ref = (name: Component) => ({ $ref: `#/components/schemas/${name}` });
  const json = (schema: unknown) => ({ 'application/json': { schema } });
  const okSchema = op.ok.list
    ? { type: 'object', properties: { data: { type: 'array', items: ref(op.ok.schema) } }, required: ['data'] }
    : ref(op.ok.schema);
  const responses: Record<string, unknown> = { [String(op.ok.status)]: { description: 'OK', content: json(okSchema) } };
  if (op.ok.orCreated) responses['201'] = { description: 'Created', content: json(okSchema) };
  for (const status of [...op.errors, 401])
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status], content: json(ref('Error')) };

  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'URL-encoded when it holds `/` or `#`',
  }));
  const queryParams = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => {
    const { description, ...rest } = jsonSchema(schema as z.ZodType, 'input');
    return { name, in: 'query', required: false, schema: rest, ...(description ? { description } : {}) };
  });

  return {
    tags: [op.tag],
    summary: op.summary,
    operationId: operationId(op),
    ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(op.body ? { requestBody: { required: true, content: json(ref(op.body)) } } : {}),
    responses,
  };
}

/** `get /upstreams/{id}` -> `getUpstreamsById`. */
function operationId(op: Operation): string {
  const words = op.path.split('/').filter(Boolean).map((part) => part.replace(/^\{(\w+)\}$/, 'by-$1'));
  return op.method + words.join('-').replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase());
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}
