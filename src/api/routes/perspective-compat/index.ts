/**
 * Perspective-compatible API: `POST /v1alpha1/comments:analyze?key=KEY` and
 * `POST /v1alpha1/comments:suggestscore?key=KEY`, same requests, answers and errors as Google's
 * Comment Analyzer v1alpha1, answered inline by the local model and the key's site policy.
 * Clients switch by changing the endpoint base (docs/perspective.md).
 */
import { Router, type Request } from 'express';
import type { RedisClient as Redis } from '../../../infra/redis';
import type { z } from 'zod';
import { RedisTokenBucket } from '../../../infra/perspective/rate-limiter';
import type { LabelStore } from '../../../infra/label-store';
import type { ApiKey, ApiKeyDirectory } from '../../../security/api-keys';
import { analyzeText, type InlineJudge } from '../../../use-cases/analyze-comment';
import { recordSuggestedScore } from '../../../use-cases/suggest-score';
import { parseJsonBody, rawBody } from '../../middleware/body';
import { attributeScores } from './attribute-scores';
import { googleErrorHandler, invalidArgument, permissionDenied, quotaExceeded } from './google-error';
import {
  AnalyzeRequest,
  KNOWN_UNSUPPORTED_ATTRIBUTES,
  MAX_TEXT_BYTES,
  SUPPORTED_ATTRIBUTES,
  SuggestScoreRequest,
  type SupportedAttribute,
} from './schemas';

export interface PerspectiveCompatDeps {
  keys: ApiKeyDirectory;
  /** Rate-limit buckets live here (the API's fail-fast connection). */
  redis: Redis;
  redisPrefix: string;
  judge: InlineJudge;
  labels: Pick<LabelStore, 'append'>;
  /** Whether a site keeps suggested scores as labels. */
  storesSuggestions: (site: string) => boolean;
  now: () => Date;
}

/** Routes mounted at `/v1alpha1`. */
export function perspectiveCompatRoutes(deps: PerspectiveCompatDeps): Router {
  const router = Router();
  const buckets = new Map<string, RedisTokenBucket>();

  async function authorize(req: Request): Promise<ApiKey> {
    const supplied = typeof req.query.key === 'string' ? req.query.key : req.get('x-goog-api-key');
    if (!supplied) throw permissionDenied('The request is missing a valid API key.');
    const key = deps.keys.authenticate(supplied);
    if (!key) throw permissionDenied('API key not valid. Please pass a valid API key.');
    let bucket = buckets.get(key.keyId);
    if (!bucket) {
      bucket = new RedisTokenBucket({ redis: deps.redis, prefix: `${deps.redisPrefix}:compat`, keyId: key.keyId, requestsPerSecond: key.requestsPerSecond, burst: key.burst });
      buckets.set(key.keyId, bucket);
    }
    if (!(await bucket.acquire(0)).granted) {
      throw quotaExceeded(`Quota exceeded for quota metric 'Analysis requests' and limit '${key.requestsPerSecond} per second' of key '${key.name}'.`, 1);
    }
    req.log?.debug({ perspectiveKey: key.name, site: key.site }, 'perspective-compatible call');
    return key;
  }

  router.post('/comments\\:analyze', rawBody(MAX_TEXT_BYTES * 4), async (req, res) => {
    const key = await authorize(req);
    const body = parseGoogle(AnalyzeRequest, parseJsonBody(req.rawBody));
    const text = checkText(body.comment.text);
    const requested = requestedAttributes(Object.entries(body.requestedAttributes), body.languages);
    const explained = await analyzeText(key.site, text, deps.judge, deps.now());
    // Stores nothing: `doNotStore: false` allows storing, never requires it.
    res.json({
      attributeScores: attributeScores(explained, requested, text.length, body.spanAnnotations === true),
      languages: body.languages?.length ? body.languages : ['en'],
      detectedLanguages: ['en'],
      ...(body.clientToken !== undefined ? { clientToken: body.clientToken } : {}),
    });
  });

  router.post('/comments\\:suggestscore', rawBody(MAX_TEXT_BYTES * 4), async (req, res) => {
    const key = await authorize(req);
    const body = parseGoogle(SuggestScoreRequest, parseJsonBody(req.rawBody));
    const text = checkText(body.comment.text);
    const names = Object.keys(body.attributeScores);
    if (!names.length) throw invalidArgument('attributeScores must name at least one attribute.');
    checkLanguages(names[0], body.languages);
    const scores: Record<string, number> = {};
    for (const [name, s] of Object.entries(body.attributeScores)) {
      if (s.summaryScore === undefined) throw invalidArgument(`Attribute ${name} has no summaryScore.`);
      scores[name] = s.summaryScore.value;
    }
    if (deps.storesSuggestions(key.site)) {
      const commentId = /^comment:([A-Za-z0-9._~@+=-]{1,200})$/.exec(body.clientToken ?? '')?.[1];
      await recordSuggestedScore({ site: key.site, text, scores, by: key.name, commentId }, deps.labels, deps.now());
    }
    res.json({
      detectedLanguages: ['en'],
      ...(body.languages?.length ? { requestedLanguages: body.languages } : {}),
      ...(body.clientToken !== undefined ? { clientToken: body.clientToken } : {}),
    });
  });

  router.use(googleErrorHandler());
  return router;
}

/** Validates like Google: unknown fields and wrong types are 400s naming the field. */
function parseGoogle<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    throw invalidArgument(`Invalid JSON payload received. Unknown name "${issue.keys[0]}"${path ? ` at '${path}'` : ''}: Cannot find field.`);
  }
  throw invalidArgument(`Invalid value at '${path || '(body)'}': ${issue.message}`);
}

function checkText(text: string): string {
  if (text.trim() === '') throw invalidArgument('Comment text was empty.');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TEXT_BYTES) throw invalidArgument(`Comment text too long: ${bytes} bytes, the limit is ${MAX_TEXT_BYTES}.`);
  return text;
}

/** English only: any other language gets Perspective's own answer for an unsupported language. */
function checkLanguages(attribute: string, languages: string[] | undefined): void {
  const other = (languages ?? []).filter((l) => !/^en(?:[-_][A-Za-z0-9]+)?$/i.test(l));
  if (other.length) throw invalidArgument(`Attribute ${attribute} does not support request languages: ${other.join(',')}`);
}

function requestedAttributes(entries: Array<[string, { scoreThreshold?: number }]>, languages: string[] | undefined) {
  if (!entries.length) throw invalidArgument('requestedAttributes must name at least one attribute.');
  const requested: Array<{ attribute: SupportedAttribute; scoreThreshold?: number }> = [];
  for (const [name, options] of entries) {
    if ((KNOWN_UNSUPPORTED_ATTRIBUTES as readonly string[]).includes(name)) {
      // What Perspective answers for an attribute that has no model in the request's language.
      throw invalidArgument(`Attribute ${name} does not support request languages: ${(languages?.length ? languages : ['en']).join(',')}`);
    }
    if (!(SUPPORTED_ATTRIBUTES as readonly string[]).includes(name)) throw invalidArgument(`Unknown attribute: ${name}`);
    checkLanguages(name, languages);
    requested.push({ attribute: name as SupportedAttribute, scoreThreshold: options.scoreThreshold });
  }
  return requested;
}
