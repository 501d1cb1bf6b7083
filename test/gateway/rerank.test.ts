// Rerank in its four dialects (Cohere v1 and v2, Jina, Voyage), through the HTTP server with raw
// fetch in each documented format (the cohere-ai and voyageai clients are not installed here),
// against fakes that speak each vendor's exact format and refuse fields it does not document:
// each dialect passed through to its own vendor and translated to the others, top_n / top_k and
// return_documents, the row's searches, tokens and cost, a key's models, failover, bad bodies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { FakeUpstream } from '../fakes/server.js';
import { startFakeCohere } from '../fakes/cohere.js';
import { startFakeJina } from '../fakes/jina.js';
import { startFakeVoyage } from '../fakes/voyage.js';
import { rerankTokens } from '../fakes/rerank-score.js';
import { ADMIN_KEY, LIMITED_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { estimateRequest } from '../../src/policy/reservation.js';

const BUDGET_KEY = 'sk-sb-test-key-0000000000000000000000rr1';

let gw: NodeGateway;
let cohere: FakeUpstream;
let jina: FakeUpstream;
let voyage: FakeUpstream;

const QUERY = 'What is the capital of France?';
const DOCS = ['The capital of France is Paris', 'Reranking is fun', 'Paris has the Eiffel tower'];

beforeAll(async () => {
  [cohere, jina, voyage] = await Promise.all([startFakeCohere(), startFakeJina(), startFakeVoyage()]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model', 'mock-rerank'] },
        { id: 'co', kind: 'cohere', baseUrl: cohere.url, credentials: [{ key: 'co-fake-key' }] },
        { id: 'ji', kind: 'jina', baseUrl: `${jina.url}/v1`, credentials: [{ key: 'jina_fake_key' }] },
        { id: 'vo', kind: 'voyage', baseUrl: `${voyage.url}/v1`, credentials: [{ key: 'pa-fake-key' }] },
        // An OpenAI-compatible server whose rerank endpoint speaks Jina's dialect (vLLM's /v1/rerank).
        { id: 'vllm', kind: 'openai', baseUrl: `${jina.url}/v1`, credentials: [{ key: 'jina_fake_key' }], rerank: { dialect: 'jina' } },
      ],
      models: [
        { id: 'rerank-v3.5', routes: [{ upstream: 'co', model: 'rerank-v3.5' }] },
        { id: 'jina-reranker-v2-base-multilingual', routes: [{ upstream: 'ji', model: 'jina-reranker-v2-base-multilingual' }] },
        { id: 'rerank-2', routes: [{ upstream: 'vo', model: 'rerank-2' }] },
        { id: 'bge-reranker', routes: [{ upstream: 'vllm', model: 'BAAI/bge-reranker-base' }] },
        { id: 'voyage-lite', routes: [{ upstream: 'vo', model: 'rerank-2-lite' }] },
        { id: 'rerank-failover', routes: [{ upstream: 'co', model: 'rerank-v3.5' }, { upstream: 'vo', model: 'rerank-2' }] },
      ],
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'limited', group: 'team-b', key: LIMITED_KEY, models: ['mock-model'] },
        { name: 'budgeted', group: 'team-c', key: BUDGET_KEY, budget: { usd: 0.005, period: 'total' } },
      ],
      prices: { 'rerank-v3.5': { search: 0.002 }, 'rerank-2': { input: 0.05, output: 0 }, 'jina-reranker-v2-base-multilingual': { input: 0.02, output: 0 } },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([cohere?.close(), jina?.close(), voyage?.close()]);
});

beforeEach(() => {
  cohere.reset();
  jina.reset();
  voyage.reset();
});

type Dialect = 'cohere-v1' | 'cohere-v2' | 'jina' | 'voyage';

/** One client request in the dialect's documented format, asking for the best two with their documents where the dialect can. */
function clientRequest(dialect: Dialect, model: string, extra: Record<string, unknown> = {}): { path: string; body: Record<string, unknown> } {
  switch (dialect) {
    case 'cohere-v1':
      return { path: '/v1/rerank', body: { model, query: QUERY, documents: DOCS, top_n: 2, return_documents: true, ...extra } };
    case 'cohere-v2':
      return { path: '/v2/rerank', body: { model, query: QUERY, documents: DOCS, top_n: 2, ...extra } };
    case 'jina':
      return { path: '/jina/v1/rerank', body: { model, query: QUERY, documents: DOCS, top_n: 2, ...extra } };
    case 'voyage':
      return { path: '/voyage/v1/rerank', body: { model, query: QUERY, documents: DOCS, top_k: 2, return_documents: true, ...extra } };
  }
}

async function send(path: string, body: unknown, key = TEST_KEY): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** The answer read back as (index, document text) pairs, checking the dialect's own shape on the way. */
function ranked(dialect: Dialect, json: any, model: string): { index: number; document?: string }[] {
  switch (dialect) {
    case 'cohere-v1':
    case 'cohere-v2':
      expect(typeof json.id).toBe('string');
      expect(json.meta.billed_units.search_units).toBe(1);
      expect(json.meta.api_version.version).toBe(dialect === 'cohere-v1' ? '1' : '2');
      if (dialect === 'cohere-v2') for (const r of json.results) expect(r).not.toHaveProperty('document');
      return json.results.map((r: any) => ({ index: r.index, document: r.document?.text, score: expect(typeof r.relevance_score).toBe('number') }));
    case 'jina':
      expect(json.model).toBe(model);
      expect(typeof json.usage.total_tokens).toBe('number');
      return json.results.map((r: any) => ({ index: r.index, document: r.document?.text, score: expect(typeof r.relevance_score).toBe('number') }));
    case 'voyage':
      expect(json.object).toBe('list');
      expect(json.model).toBe(model);
      expect(typeof json.usage.total_tokens).toBe('number');
      return json.data.map((r: any) => ({ index: r.index, document: r.document, score: expect(typeof r.relevance_score).toBe('number') }));
  }
}

const VENDORS = [
  { vendor: 'cohere', model: 'rerank-v3.5', upstream: 'co', own: ['cohere-v2', 'cohere-v1'], fake: () => cohere },
  { vendor: 'jina', model: 'jina-reranker-v2-base-multilingual', upstream: 'ji', own: ['jina'], fake: () => jina },
  { vendor: 'voyage', model: 'rerank-2', upstream: 'vo', own: ['voyage'], fake: () => voyage },
] as const;
const DIALECTS: Dialect[] = ['cohere-v1', 'cohere-v2', 'jina', 'voyage'];

describe('each client dialect against each vendor', () => {
  const cases = DIALECTS.flatMap((dialect) => VENDORS.map((v) => ({ dialect, ...v })));
  it.each(cases)('$dialect client, $vendor upstream', async ({ dialect, vendor, model, upstream, own, fake }) => {
    const { path, body } = clientRequest(dialect, model);
    const { status, json } = await send(path, body);
    expect(status, JSON.stringify(json)).toBe(200);
    const results = ranked(dialect, json, model);
    // Best first, top two: the document that holds the query's words, then the first of the ties.
    expect(results.map((r) => r.index)).toEqual([0, 1]);
    if (dialect !== 'cohere-v2') expect(results.map((r) => r.document)).toEqual([DOCS[0], DOCS[1]]);

    // The vendor was asked in its own dialect (its fake refuses any other field) for the best two.
    const call = fake().calls.at(-1)!;
    const passThrough = (own as readonly string[]).includes(dialect);
    const expectedPath = vendor === 'cohere' ? (dialect === 'cohere-v1' ? '/v1/rerank' : '/v2/rerank') : '/v1/rerank';
    expect(call.path).toBe(expectedPath);
    expect(call.headers.authorization).toMatch(/^Bearer /);
    expect(call.body.model).toBe(model);
    expect(call.body.top_k ?? call.body.top_n).toBe(2);

    const row = (await logRows(gw)).find((r) => r.model === model && r.status === 200)!;
    expect(row.upstreamId).toBe(upstream);
    expect(row.translation).toBe(passThrough ? null : `rerank-${dialect} -> ${call.path === '/v1/rerank' && vendor === 'cohere' ? 'rerank-cohere-v1' : vendor === 'cohere' ? 'rerank-cohere-v2' : `rerank-${vendor}`}`);
    if (vendor === 'cohere') {
      // Cohere bills search units: one for three documents, at the config's $0.002 a search.
      expect(row.units).toEqual({ searches: 1 });
      expect(row.inputTokens).toBe(0);
      expect(row.costUsd).toBeCloseTo(0.002, 10);
    } else {
      // Jina and Voyage bill tokens: the vendor's count as input tokens, at the config's price per million.
      const tokens = rerankTokens(QUERY, DOCS);
      expect(row.inputTokens).toBe(tokens);
      expect(row.units ?? null).toBeNull();
      expect(row.costUsd).toBeCloseTo((tokens * (vendor === 'voyage' ? 0.05 : 0.02)) / 1_000_000, 12);
    }
  });
});

describe('mapping', () => {
  it('return_documents false leaves the documents out; Jina returns them by default', async () => {
    const v1 = await send('/v1/rerank', { model: 'rerank-2', query: QUERY, documents: DOCS, return_documents: false });
    expect(v1.status).toBe(200);
    expect(v1.json.results).toHaveLength(3);
    for (const r of v1.json.results) expect(r).not.toHaveProperty('document');
    const jinaClient = await send('/jina/v1/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS });
    expect(jinaClient.json.results.map((r: any) => r.document.text)).toEqual([DOCS[0], DOCS[1], DOCS[2]]);
    // Translated, the upstream is asked for no documents: the gateway has them.
    expect(cohere.calls.at(-1)!.body).not.toHaveProperty('return_documents');
  });

  it('Cohere v1 object documents are ranked by rank_fields and given back as they came', async () => {
    const documents = [{ title: 'Tower', body: 'Paris has the Eiffel tower' }, { title: 'Capital', body: 'The capital of France is Paris' }];
    const { status, json } = await send('/v1/rerank', { model: 'rerank-2', query: QUERY, documents, rank_fields: ['title', 'body'], return_documents: true });
    expect(status).toBe(200);
    expect(json.results[0]).toMatchObject({ index: 1, document: documents[1] });
    // Voyage got the fields as `field: value` lines.
    expect(voyage.calls.at(-1)!.body.documents[1]).toBe('title: Capital\nbody: The capital of France is Paris');
  });

  it('a field the upstream dialect has no place for is dropped and named in the row', async () => {
    const { status } = await send('/v2/rerank', { model: 'jina-reranker-v2-base-multilingual', query: QUERY, documents: DOCS, max_tokens_per_doc: 512 });
    expect(status).toBe(200);
    expect(jina.calls.at(-1)!.body).not.toHaveProperty('max_tokens_per_doc');
    const row = (await logRows(gw)).find((r) => r.model === 'jina-reranker-v2-base-multilingual')!;
    expect(row.warnings).toEqual(['max_tokens_per_doc dropped: Jina rerank has no such field']);
  });

  it('Voyage truncation passes through to Voyage', async () => {
    const { status } = await send('/voyage/v1/rerank', { model: 'rerank-2', query: QUERY, documents: DOCS, truncation: false });
    expect(status).toBe(200);
    expect(voyage.calls.at(-1)!.body.truncation).toBe(false);
  });

  it('an OpenAI-compatible server with a rerank setting is asked at its path in its dialect', async () => {
    const { status, json } = await send('/v2/rerank', { model: 'bge-reranker', query: QUERY, documents: DOCS, top_n: 1 });
    expect(status).toBe(200);
    expect(json.results).toEqual([{ index: 0, relevance_score: expect.any(Number) }]);
    const call = jina.calls.at(-1)!;
    expect(call.path).toBe('/v1/rerank');
    expect(call.body).toMatchObject({ model: 'BAAI/bge-reranker-base', top_n: 1 });
  });

  it('a shipped price prices a rerank model the config does not (rerank-2-lite, $0.02 per million tokens)', async () => {
    const { status } = await send('/voyage/v1/rerank', { model: 'voyage-lite', query: QUERY, documents: DOCS });
    expect(status).toBe(200);
    const row = (await logRows(gw)).find((r) => r.model === 'voyage-lite')!;
    expect(row.costUsd).toBeCloseTo((rerankTokens(QUERY, DOCS) * 0.02) / 1_000_000, 12);
  });

  it('the mock upstream reranks by word overlap in every dialect', async () => {
    for (const dialect of DIALECTS) {
      const { path, body } = clientRequest(dialect, 'mock-rerank');
      const { status, json } = await send(path, body);
      expect(status, dialect).toBe(200);
      expect(ranked(dialect, json, 'mock-rerank').map((r) => r.index)).toEqual([0, 1]);
    }
  });
});

describe('gateway promises', () => {
  it('a key limited to other models is refused in the client shape', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['/v2/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS }, 'message'],
      ['/jina/v1/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS }, 'detail'],
      ['/voyage/v1/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS }, 'detail'],
    ];
    for (const [path, body, field] of cases) {
      const { status, json } = await send(path, body, LIMITED_KEY);
      expect(status).toBe(403);
      expect(json[field]).toBe('this key may not use model rerank-v3.5');
    }
    expect(cohere.calls).toHaveLength(0);
  });

  it('fails over to the next route on a 500 before anything reached the client', async () => {
    cohere.failNext({ kind: 'status', status: 500 });
    const { status, json } = await send('/v2/rerank', { model: 'rerank-failover', query: QUERY, documents: DOCS });
    expect(status).toBe(200);
    expect(json.results[0].index).toBe(0);
    expect(cohere.calls).toHaveLength(1);
    expect(voyage.calls).toHaveLength(1);
    const row = (await logRows(gw)).find((r) => r.model === 'rerank-failover')!;
    expect(row.upstreamId).toBe('vo');
    expect(row.attempts?.map((a) => [a.upstream, a.status])).toEqual([
      ['co', 500],
      ['vo', 200],
    ]);
  });

  it("an upstream's refusal reaches a client of another dialect in the client's shape", async () => {
    cohere.failNext({ kind: 'status', status: 400, body: { message: 'invalid request: query too long' } });
    const { status, json } = await send('/voyage/v1/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS });
    expect(status).toBe(400);
    expect(json).toEqual({ detail: 'invalid request: query too long' });
  });

  it('a budget counts rerank by its searches: reserved before the call, settled at what the upstream billed', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `document ${i}`);
    // 250 documents are three searches: $0.006 reserved at $0.002 a search.
    expect(estimateRequest('rerank', { json: { query: QUERY, documents: many }, model: 'rerank-v3.5', stream: false }, { search: 0.002 }).usd).toBeCloseTo(0.006, 10);
    // For a per-token price, tokens: the query once per document, then each document, at four characters a token.
    expect(estimateRequest('rerank', { json: { query: 'abcd', documents: ['abcdefgh', 'abcd'] }, model: 'rerank-2', stream: false }, { input: 1_000_000, output: 0 })).toEqual({ tokens: 5, usd: 5 });

    // Under its $0.005 budget, the key is served; Cohere bills three searches, $0.006.
    const served = await send('/v2/rerank', { model: 'rerank-v3.5', query: QUERY, documents: many }, BUDGET_KEY);
    expect(served.status).toBe(200);
    expect(served.json.meta.billed_units.search_units).toBe(3);
    const row = (await logRows(gw)).find((r) => r.model === 'rerank-v3.5')!;
    expect(row.units).toEqual({ searches: 3 });
    expect(row.costUsd).toBeCloseTo(0.006, 10);
    // Spent: the next request is refused in Cohere's shape, and Cohere is not asked.
    const refused = await send('/v2/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS }, BUDGET_KEY);
    expect(refused.status).toBe(429);
    expect(refused.json.message).toMatch(/budget/);
    expect(cohere.calls).toHaveLength(1);
  });

  it('an answer that is not a rerank answer is a 502 in the client shape, recorded', async () => {
    voyage.failNext({ kind: 'malformed-json' });
    const cut = await send('/voyage/v1/rerank', { model: 'rerank-2', query: QUERY, documents: DOCS });
    expect(cut.status).toBe(502);
    expect(cut.json.detail).toMatch(/not JSON/);
    voyage.failNext({ kind: 'status', status: 200, body: { object: 'list', data: [{ index: 7, relevance_score: 0.5 }] } });
    const wrong = await send('/v2/rerank', { model: 'rerank-2', query: QUERY, documents: DOCS });
    expect(wrong.status).toBe(502);
    expect(wrong.json.message).toMatch(/index 7 is not one of the 3 documents/);
    const rows = (await logRows(gw)).filter((r) => r.model === 'rerank-2').slice(0, 2);
    expect(rows.map((r) => r.status)).toEqual([502, 502]);
  });

  it('a Cohere v1 object document needs its text unless rank_fields names its fields', async () => {
    const res = await send('/v1/rerank', { model: 'rerank-v3.5', query: QUERY, documents: ['plain', { title: 'no text' }] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: 'documents[1].text: is required (a string) in an object document unless rank_fields names its fields' });
    expect(cohere.calls).toHaveLength(0);
  });

  it("a validity check lists Cohere's rerank models with the key; a refused key is disabled", async () => {
    const check = async () => {
      const res = await fetch(`${gw.url}/admin/api/upstreams/co/check`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return ((await res.json()) as { data: { ok: boolean; detail: string; state: string }[] }).data[0];
    };
    expect(await check()).toMatchObject({ ok: true, detail: 'listed 1 models' });
    expect(cohere.calls.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models?endpoint=rerank' });
    cohere.failNext({ kind: 'status', status: 401, body: { message: 'invalid api token' } });
    expect(await check()).toMatchObject({ ok: false, state: 'disabled' });
    // Healthy again for the tests after this one.
    expect(await check()).toMatchObject({ ok: true, state: 'healthy' });
  });

  it.each([
    ['cohere-v1', 'message'],
    ['cohere-v2', 'message'],
    ['jina', 'detail'],
    ['voyage', 'detail'],
  ] as const)('bad %s bodies are refused naming the field, no upstream asked', async (dialect, field) => {
    const { path, body } = clientRequest(dialect, 'rerank-v3.5');
    const bad: [Record<string, unknown>, string][] = [
      [{ ...body, query: undefined }, 'query: is required (a string)'],
      [{ ...body, documents: [] }, 'documents: must not be empty'],
      [{ ...body, documents: Array.from({ length: 1001 }, (_, i) => `doc ${i}`) }, 'documents: must have at most 1000 items'],
    ];
    for (const [json, message] of bad) {
      const res = await send(path, json);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ [field]: message });
    }
    expect(cohere.calls).toHaveLength(0);
  });
});
