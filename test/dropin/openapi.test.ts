/**
 * `/openapi.json` against the real app: every route the app mounts is documented and every
 * documented operation exists; each one, called for real, answers a documented status with a body
 * that validates against its documented schema (ajv, JSON Schema 2020-12); calls without credentials
 * answer documented errors; the error catalogue holds every code the source can throw, and
 * docs/errors.md lists them all.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import { ERROR_CODES } from '../../src/api/openapi/errors';
import { CmsClient } from '../../src/client/cms-client';
import { coralSignatureHeader } from '../../src/security/coral-signature';
import { KEYS, MODERATOR_TOKEN, SECRETS, startDropinService, type DropinService } from './service';

type Doc = { paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

let svc: DropinService;
let doc: Doc;
let other: CmsClient;
beforeAll(async () => {
  svc = await startDropinService('openapi');
  other = new CmsClient({ baseUrl: svc.baseUrl, site: 'other', secret: SECRETS.other });
  const res = await fetch(`${svc.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
}, 30_000);
afterAll(() => svc.close());

/** `METHOD /path/{param}` of every route the Express app mounts (mount paths joined, `:x` → `{x}`). */
function mountedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Array<Record<string, any>>, prefix: string) => {
    for (const layer of stack) {
      const here = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${toTemplate(prefix + (layer.route.path === '/' && prefix ? '' : layer.route.path))}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + here);
      }
    }
  };
  walk((app as unknown as { router: { stack: Array<Record<string, any>> } }).router.stack, '');
  return [...new Set(out)].sort();
}
const toTemplate = (p: string) => p.replace(/\\:/g, '\u0000').replace(/:(\w+)/g, '{$1}').replace(/\u0000/g, ':');

const documented = () => Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();

it('documents exactly the routes the app mounts', () => {
  expect(documented()).toEqual(mountedRoutes(svc.app));
});

const bearer = { authorization: `Bearer ${MODERATOR_TOKEN}` };
/** The embedded default admin token (accepted outside production). */
const admin = { authorization: 'Bearer demo-admin' };
const json = { 'content-type': 'application/json' };
const comment = (id: string, body = `You are a complete idiot, reader ${id.replace(/\W/g, ' x ')}.`) => ({ id, articleId: 'oa-article', author: { id: `reader-${id}`, name: 'Sam' }, body });
const call = (method: string, p: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(`${svc.baseUrl}${p}`, { method, headers: { ...(body !== undefined ? json : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
const signed = async (method: string, p: string, body?: unknown) => {
  const r = await other.signed(method, p, body);
  return { status: r.status, contentType: 'application/json', body: r.body };
};
const coral = (body: string, site = 'demo') => {
  const raw = JSON.stringify({ action: 'NEW', comment: { body, parentID: null }, author: { id: 'u-oa', role: 'COMMENTER' }, story: { id: 'oa-story', url: 'https://news.example/oa' }, site: { id: 's' }, tenantID: 't', tenantDomain: 'news.example' }, null, 2);
  return fetch(`${svc.baseUrl}/v1/integrations/coral/${site}`, { method: 'POST', headers: { ...json, 'X-Coral-Signature': coralSignatureHeader([SECRETS.coral], raw) }, body: raw });
};

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}
const answer = async (res: Response): Promise<Answer> => {
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.includes('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, contentType, body: undefined };
  }
  const text = await res.text();
  return { status: res.status, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : text };
};

/** How to call each documented operation for real, in an order where earlier calls set up later ones. */
const FIXTURES: Array<[string, () => Promise<Answer>]> = [
  ['health', async () => answer(await call('GET', '/healthz'))],
  ['ready', async () => answer(await call('GET', '/readyz'))],
  ['metrics', async () => answer(await call('GET', '/metrics'))],
  ['openapi', async () => answer(await call('GET', '/openapi.json'))],
  ['putArticle', () => signed('PUT', '/articles/oa-article', { title: 'Harbour plan approved', body: 'The council approved the harbour plan.' })],
  ['postComment', () => signed('POST', '/comments', comment('oa-1'))],
  ['postComments', () => signed('POST', '/comments/batch', { comments: [comment('oa-2'), { id: 'bad' }] })],
  ['checkComment', () => signed('POST', '/comments:check', { ...comment('oa-3'), store: true })],
  ['postLabels', () => signed('POST', '/labels', { labels: [{ id: 'oa-l1', body: 'Fine, thanks.', label: 'approved', articleId: 'oa-article' }, { id: 'oa-l2', body: 'Typical sprocketeers.', label: 'rejected' }] })],
  ['getComment', async () => answer(await call('GET', '/v1/sites/other/comments/oa-3', bearer))],
  ['listDeadLetters', () => signed('GET', '/callbacks/dead-letters')],
  ['redriveDeadLetters', () => signed('POST', '/callbacks/dead-letters/redrive', {})],
  ['eraseComment', () => signed('DELETE', '/comments/oa-erase-me')],
  ['eraseAuthor', () => signed('DELETE', '/authors/oa-erase-author')],
  ['me', async () => answer(await call('GET', '/v1/moderation/me', bearer))],
  [
    'listQueue',
    async () => {
      for (const id of ['oa-4', 'oa-5', 'oa-6', 'oa-7']) expect((await signed('POST', '/comments:check', { ...comment(id), store: true })).body).toMatchObject({ status: 'flagged' });
      return answer(await call('GET', '/v1/sites/other/moderation/queue?limit=2', bearer));
    },
  ],
  ['getQueueItem', async () => answer(await call('GET', '/v1/sites/other/moderation/queue/oa-3', bearer))],
  ['claimItem', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/oa-3/claim', bearer))],
  ['releaseItem', async () => answer(await call('DELETE', '/v1/sites/other/moderation/queue/oa-3/claim', bearer))],
  ['approveItem', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/oa-3/approve', bearer, { note: 'fine in context' }))],
  ['rejectItem', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/oa-4/reject', bearer, { reasonCode: 'INSULT' }))],
  ['escalateItem', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/oa-5/escalate', bearer, {}))],
  ['requeueItem', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/oa-4/requeue', bearer, {}))],
  ['reportComment', () => signed('POST', '/comments/oa-7/reports', { reporterId: 'reader-9', reason: 'abusive' })],
  ['desk', async () => answer(await call('GET', '/v1/sites/other/moderation/desk', bearer))],
  ['noteOnAuthor', async () => answer(await call('POST', '/v1/sites/other/moderation/authors/reader-oa-7/notes', bearer, { text: 'warned once' }))],
  ['actOnAuthor', async () => answer(await call('POST', '/v1/sites/other/moderation/authors/reader-oa-7/actions', bearer, { action: 'suspend', hours: 24, note: 'cool off' }))],
  ['getAuthor', async () => answer(await call('GET', '/v1/sites/other/moderation/authors/reader-oa-7', bearer))],
  ['audit', async () => answer(await call('GET', '/v1/sites/other/moderation/audit', bearer))],
  ['search', async () => answer(await call('GET', '/v1/sites/other/moderation/search?q=idiot&limit=5', bearer))],
  ['bulkDecide', async () => answer(await call('POST', '/v1/sites/other/moderation/queue/bulk', bearer, { action: 'approve', ids: ['oa-6', 'oa-missing'] }))],
  ['eventTicket', async () => answer(await call('POST', '/v1/sites/other/moderation/events/ticket', bearer))],
  [
    'events',
    async () => {
      const { ticket } = (await (await call('POST', '/v1/sites/other/moderation/events/ticket', bearer)).json()) as { ticket: string };
      return answer(await call('GET', `/v1/sites/other/moderation/events?ticket=${ticket}`));
    },
  ],
  ['listModerators', async () => answer(await call('GET', '/v1/admin/moderators', admin))],
  ['createModerator', async () => answer(await call('POST', '/v1/admin/moderators', admin, { name: 'oa-new', sites: ['other'], role: 'senior' }))],
  ['changeModerator', async () => answer(await call('PATCH', '/v1/admin/moderators/oa-new', admin, { role: 'moderator' }))],
  ['rotateModerator', async () => answer(await call('POST', '/v1/admin/moderators/oa-new/rotate', admin))],
  ['revokeModerator', async () => answer(await call('DELETE', '/v1/admin/moderators/oa-new', admin))],
  ['moderatePage', async () => answer(await call('GET', '/moderate'))],
  ['perspectiveAnalyze', async () => answer(await call('POST', `/v1alpha1/comments:analyze?key=${KEYS.demo}`, {}, { comment: { text: 'You idiot.' }, requestedAttributes: { TOXICITY: {}, INSULT: {} }, spanAnnotations: true }))],
  ['perspectiveSuggestScore', async () => answer(await call('POST', `/v1alpha1/comments:suggestscore?key=${KEYS.demo}`, {}, { comment: { text: 'You idiot.' }, attributeScores: { TOXICITY: { summaryScore: { value: 1 } } }, clientToken: 'x' }))],
  ['coralPhase', async () => answer(await coral('You are a complete idiot and a liar.'))],
];

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi' });
  return (pointer: string, value: unknown) => {
    const validate = ajv.getSchema(`openapi#${pointer}`)!;
    expect(validate).toBeDefined();
    const ok = validate(value);
    return ok ? null : ajv.errorsText(validate.errors);
  };
}
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function operationOf(operationId: string) {
  for (const [p, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) if (op.operationId === operationId) return { path: p, method, op };
  throw new Error(`operation ${operationId} is not documented`);
}

it('has a real call for every documented operation', () => {
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  expect(FIXTURES.map(([id]) => id).sort()).toEqual([...ids].sort());
});

it('answers each documented operation with a documented status and a body matching its schema', async () => {
  const check = validator();
  const problems: string[] = [];
  for (const [operationId, run] of FIXTURES) {
    const { path: p, method, op } = operationOf(operationId);
    const res = await run();
    const documentedAnswer = op.responses[String(res.status)];
    if (!documentedAnswer || res.status >= 400) {
      problems.push(`${operationId}: status ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      continue;
    }
    const media = Object.keys(documentedAnswer.content ?? {})[0];
    if (!media) continue;
    expect(res.contentType).toContain(media);
    if (media !== 'application/json') continue;
    const error = check(`/paths/${escape(p)}/${method}/responses/${res.status}/content/${escape(media)}/schema`, res.body);
    if (error) problems.push(`${operationId}: ${error} in ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  expect(problems).toEqual([]);
}, 60_000);

it('answers calls without credentials with a documented error whose body matches its schema', async () => {
  const check = validator();
  const problems: string[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.security.length) continue;
      const url = p.replace('{site}', 'other').replace(/\{\w+\}/g, 'oa-1');
      const res = await answer(await call(method.toUpperCase(), url, {}, method === 'get' || method === 'delete' ? undefined : {}));
      const media = Object.keys(op.responses[String(res.status)]?.content ?? {})[0];
      if (!media || res.status < 400) {
        problems.push(`${op.operationId}: undocumented ${res.status}`);
        continue;
      }
      const error = check(`/paths/${escape(p)}/${method}/responses/${res.status}/content/${escape(media)}/schema`, res.body);
      if (error) problems.push(`${op.operationId}: ${error}`);
    }
  }
  expect(problems).toEqual([]);
}, 60_000);

/** Every `code` the source can throw: `new AppError('x'`, `badRequest('x'` and the helpers' fixed codes. */
function codesInSource(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) codesInSource(file).forEach((c) => codes.add(c));
    else if (file.endsWith('.ts')) for (const m of readFileSync(file, 'utf8').matchAll(/(?:new AppError|badRequest)\(\s*'([a-z_]+)'/g)) codes.add(m[1]);
  }
  return codes;
}

it('catalogues every error code the source can give, and docs/errors.md lists each with its status', () => {
  const root = path.resolve(__dirname, '../..');
  const helpers = readFileSync(path.join(root, 'src/errors.ts'), 'utf8');
  const helperCodes = [...helpers.matchAll(/new AppError\('([a-z_]+)'/g)].map((m) => m[1]);
  const perspective = readFileSync(path.join(root, 'src/api/routes/perspective-compat/google-error.ts'), 'utf8');
  const all = new Set([...codesInSource(path.join(root, 'src')), ...helperCodes, ...[...perspective.matchAll(/new AppError\('([a-z_]+)'/g)].map((m) => m[1])]);
  expect([...all].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  const docs = readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
  // `npm run docs:errors` rewrites the table from the catalogue.
  for (const [code, info] of Object.entries(ERROR_CODES)) expect(docs).toMatch(new RegExp(`\\| \`${code}\` \\| ${info.status} \\|`));
});
