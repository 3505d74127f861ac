/**
 * The Perspective-compatible API answers the real `perspective-api-client` (pointed at our server
 * the way src/infra/perspective points it at any endpoint) and Coral's exact toxic-phase requests,
 * with Perspective's shapes and errors, and scores that agree with the worker's pipeline.
 */
import Perspective from 'perspective-api-client';
import request from 'supertest';
import { LabelStore } from '../../src/infra/label-store';
import { analyzeUrl, withCallSettings } from '../../src/infra/perspective/http-hook';
import { AnalyzeResponse, GoogleError, SuggestScoreResponse } from '../../src/api/routes/perspective-compat/schemas';
import { KEYS, startDropinService, type DropinService } from './service';

let svc: DropinService;
beforeAll(async () => {
  svc = await startDropinService('persp');
}, 30_000);
afterAll(() => svc.close());

const INSULT = 'You are a complete idiot and everyone here knows it.';
const KIND = 'Thanks for the clear reporting on the harbour plan.';

/** Calls the library unchanged; only its URL is redirected (axios interceptor, as in production). */
function viaClient<T>(key: string, fn: (client: Perspective) => Promise<T>): Promise<T> {
  return withCallSettings({ url: analyzeUrl(`${svc.baseUrl}/v1alpha1`), timeoutMs: 10_000, outcome: {} }, () => fn(new Perspective({ apiKey: key })));
}

describe('perspective-api-client against our endpoint', () => {
  it('analyses a text and gets Perspective-shaped scores that agree with the worker pipeline', async () => {
    const body = (await viaClient(KEYS.demo, (c) => c.analyze(INSULT, { attributes: ['TOXICITY', 'INSULT', 'SEVERE_TOXICITY'] }))) as AnalyzeResponse;
    expect(AnalyzeResponse.parse(body)).toBeTruthy();
    expect(Object.keys(body.attributeScores).sort()).toEqual(['INSULT', 'SEVERE_TOXICITY', 'TOXICITY']);
    const judged = await svc.runtime.judgeInline('demo', { id: 'x', articleId: 'a', author: { id: 'u' }, body: INSULT }, { site: 'demo', thread: [], authorHistory: [], repeatCount: 0, now: new Date().toISOString() });
    expect(body.attributeScores.INSULT!.summaryScore.value).toBeCloseTo(judged.verdict.scores.insult!, 5);
    expect(body.attributeScores.INSULT!.summaryScore.value).toBeGreaterThan(0.7);
    expect(body.attributeScores.TOXICITY!.summaryScore.type).toBe('PROBABILITY');
    expect(body.detectedLanguages).toEqual(['en']);
  });

  it('scores a kind text low', async () => {
    const body = (await viaClient(KEYS.demo, (c) => c.analyze(KIND))) as AnalyzeResponse;
    expect(body.attributeScores.TOXICITY!.summaryScore.value).toBeLessThan(0.3);
  });

  it('gets a ResponseError with the Google message for a wrong key', async () => {
    const err = await viaClient('not-a-key', (c) => c.analyze(KIND)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Perspective.ResponseError);
    expect((err as InstanceType<typeof Perspective.ResponseError>).response?.status).toBe(403);
    expect((err as Error).message).toBe('API key not valid. Please pass a valid API key.');
  });
});

describe('the requests Coral Talk sends', () => {
  it('answers the toxic phase analyze request so Coral reads attributeScores[model].summaryScore.value', async () => {
    // Coral: endpoint + "/comments:analyze", ?key=, body {comment: {text}, doNotStore, requestedAttributes: {MODEL: {}}, languages: [lang]}
    const url = new URL(`${svc.baseUrl}/v1alpha1`);
    url.pathname = `${url.pathname}/comments:analyze`;
    url.searchParams.set('key', KEYS.demo);
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ comment: { text: INSULT }, doNotStore: true, requestedAttributes: { TOXICITY: {} }, languages: ['en'] }) });
    expect(res.status).toBe(200);
    const data = (await res.json()) as AnalyzeResponse;
    const score = data.attributeScores['TOXICITY']!.summaryScore.value;
    expect(score).toBeGreaterThan(0.8); // Coral's default threshold is 0.8: this comment would be withheld
  });

  it('stores a suggestscore from Coral as a label of the key\'s site', async () => {
    const url = `${svc.baseUrl}/v1alpha1/comments:suggestscore?key=${KEYS.demo}`;
    const commentID = 'c0ffee00-1111-2222-3333-444455556666';
    const body = {
      comment: { text: INSULT },
      context: { entries: [{ text: JSON.stringify({ url: `https://news.example/story?commentID=${commentID}`, reply_to_id_Coral_comment_id: undefined, Coral_comment_id: commentID }) }] },
      attributeScores: { TOXICITY: { summaryScore: { value: 1 } } },
      languages: ['en'],
      communityId: 'Coral:news.example',
      clientToken: `comment:${commentID}`,
    };
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const answer = SuggestScoreResponse.parse(await res.json());
    expect(answer.clientToken).toBe(`comment:${commentID}`);
    const labels = [];
    for await (const l of new LabelStore(svc.redis, svc.runtime.keys).all('demo')) labels.push(l);
    expect(labels).toEqual([expect.objectContaining({ site: 'demo', commentId: commentID, body: INSULT, label: 'rejected', moderator: 'perspective-key:demo' })]);
    // …and in the site's labelled history that site learning trains on, marked as a suggestion.
    const siteLabels = [];
    for await (const l of new LabelStore(svc.redis, svc.runtime.keys).siteLabels('demo')) siteLabels.push(l);
    expect(siteLabels).toEqual([expect.objectContaining({ id: commentID, body: INSULT, label: 'rejected', source: 'suggestscore' })]);
  });
});

describe('request checking and errors in Google format', () => {
  const post = (path: string, body: unknown, key: string | null = KEYS.demo) =>
    request(svc.app)
      .post(`/v1alpha1/comments:${path}${key ? `?key=${key}` : ''}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  it('returns explained spans with spanAnnotations and the client token', async () => {
    const res = await post('analyze', { comment: { text: INSULT }, requestedAttributes: { INSULT: {} }, spanAnnotations: true, clientToken: 'tok-1' });
    expect(res.status).toBe(200);
    const spans = res.body.attributeScores.INSULT.spanScores as Array<{ begin: number; end: number }>;
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.map((s) => INSULT.slice(s.begin, s.end)).join(' ')).toMatch(/idiot/);
    expect(res.body.clientToken).toBe('tok-1');
  });

  it('accepts the key in the X-Goog-Api-Key header too', async () => {
    const res = await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} } }, null).set('X-Goog-Api-Key', KEYS.demo);
    expect(res.status).toBe(200);
  });

  it('leaves out attributes under their scoreThreshold', async () => {
    const res = await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: { scoreThreshold: 0.9 }, INSULT: {} } });
    expect(Object.keys(res.body.attributeScores)).toEqual(['INSULT']);
  });

  it.each([
    ['a missing key', null, 403, 'PERMISSION_DENIED', /missing a valid API key/],
    ['a wrong key', 'nope', 403, 'PERMISSION_DENIED', /API key not valid/],
  ])('refuses %s with 403', async (_what, key, code, status, message) => {
    const res = await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} } }, key);
    expect(res.status).toBe(code);
    expect(GoogleError.parse(res.body)).toEqual({ error: { code, status, message: expect.stringMatching(message) } });
  });

  it.each([
    ['an unsupported language', { comment: { text: 'Hola' }, requestedAttributes: { TOXICITY: {} }, languages: ['es'] }, /^Attribute TOXICITY does not support request languages: es$/],
    ['a known attribute we do not score', { comment: { text: KIND }, requestedAttributes: { FLIRTATION: {} } }, /^Attribute FLIRTATION does not support request languages: en$/],
    ['an unknown attribute', { comment: { text: KIND }, requestedAttributes: { NONSENSE: {} } }, /^Unknown attribute: NONSENSE$/],
    ['an unknown field', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} }, colour: 'red' }, /Unknown name "colour"/],
    ['an empty text', { comment: { text: ' ' }, requestedAttributes: { TOXICITY: {} } }, /empty/],
    ['no attributes', { comment: { text: KIND }, requestedAttributes: {} }, /at least one attribute/],
    ['a text over 20 KB', { comment: { text: 'a'.repeat(20_481) }, requestedAttributes: { TOXICITY: {} } }, /too long/],
  ])('answers %s with 400 INVALID_ARGUMENT', async (_what, body, message) => {
    const res = await post('analyze', body);
    expect(res.status).toBe(400);
    expect(GoogleError.parse(res.body).error).toEqual({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await request(svc.app).post(`/v1alpha1/comments:analyze?key=${KEYS.demo}`).set('Content-Type', 'application/json').send('{"comment":');
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe('INVALID_ARGUMENT');
  });

  it('limits each key to its own rate with 429 RESOURCE_EXHAUSTED', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} } }, KEYS.slow)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]); // burst 2
    expect(statuses.slice(2)).toEqual([429, 429]);
    const res = await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} } }, KEYS.slow);
    expect(GoogleError.parse(res.body).error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    // Another key of the same site is not affected.
    expect((await post('analyze', { comment: { text: KIND }, requestedAttributes: { TOXICITY: {} } })).status).toBe(200);
  });

  it('stores no label for a site that does not keep suggested scores', async () => {
    const res = await post('suggestscore', { comment: { text: KIND }, attributeScores: { TOXICITY: { summaryScore: { value: 0 } } } }, KEYS.other);
    expect(res.status).toBe(200);
    expect(await svc.redis.llen(svc.runtime.keys.labels('other'))).toBe(0);
  });
});
