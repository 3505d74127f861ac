/**
 * Perspective with the local model as the safety net. The queue never waits on Perspective for
 * longer than `maxWaitMs` + `timeoutMs`, and every comment gets a decision:
 *
 * - `perspective`: Perspective decides; when it cannot (no quota token in time, 429, timeout, 5xx,
 *   malformed body, open circuit, comment over 20 KB…) the local model decides and the result says
 *   so: `provider: 'local (perspective unavailable: <why>)'`.
 * - `local-then-perspective`: the local model runs first; Perspective is asked only when one of the
 *   local scores it can also give lies in the uncertainty band. Its scores then replace the local
 *   ones for its categories (`provider: 'perspective (local unsure)'`); otherwise the local result
 *   stands (`local`, or `local (perspective unavailable: <why>)` when asking failed).
 */
import type { Logger } from '../../logger';
import type { Classifier, ClassifierInput, ClassifierResult } from '../../moderation/types';
import type { CircuitBreaker } from './circuit-breaker';
import type { PerspectiveClassifier } from './perspective-classifier';
import { PerspectiveError, SYSTEMIC, WHY } from './perspective-error';
import { PERSPECTIVE_CATEGORIES } from './perspective-response';
import type { QuotaLimiter } from './rate-limiter';

export interface FallbackClassifierOptions {
  mode: 'perspective' | 'local-then-perspective';
  perspective: Pick<PerspectiveClassifier, 'classify' | 'precheck' | 'version'>;
  local: Classifier;
  limiter: QuotaLimiter;
  breaker: CircuitBreaker;
  /** Longest wait for quota per comment, 429 back-off included. */
  maxWaitMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  uncertainBand: { low: number; high: number };
  logger: Logger;
}

/** How much longer than its budget a limiter call may take (Redis round trips) before we give up on it. */
const LIMITER_SLACK_MS = 1_000;

type Attempt = { ok: true; result: ClassifierResult } | { ok: false; error: PerspectiveError };

export class FallbackClassifier implements Classifier {
  readonly name: string;
  readonly version: string;
  /** 429s in a row, shared by this process's calls, for exponential back-off. */
  private rateLimitedInARow = 0;

  constructor(private readonly options: FallbackClassifierOptions) {
    this.name = `${options.mode}`;
    this.version = `${options.perspective.version}+${options.local.version}`;
  }

  async classify(input: ClassifierInput): Promise<ClassifierResult> {
    const { mode, local } = this.options;
    if (mode === 'perspective') {
      const attempt = await this.askPerspective(input);
      return attempt.ok ? attempt.result : markFallback(await local.classify(input), attempt.error);
    }
    const localResult = await local.classify(input);
    if (!this.unsure(localResult)) return localResult;
    const attempt = await this.askPerspective(input);
    if (!attempt.ok) return markFallback(localResult, attempt.error);
    return {
      scores: { ...localResult.scores, ...attempt.result.scores },
      spans: { ...localResult.spans, ...attempt.result.spans },
      provider: 'perspective (local unsure)',
      modelVersion: attempt.result.modelVersion,
    };
  }

  private unsure(result: ClassifierResult): boolean {
    const { low, high } = this.options.uncertainBand;
    return PERSPECTIVE_CATEGORIES.some((c) => {
      const s = result.scores[c];
      return s !== undefined && s >= low && s <= high;
    });
  }

  /** One Perspective call within the quota and breaker rules; at most one retry, after a 429. */
  private async askPerspective(input: ClassifierInput): Promise<Attempt> {
    const { perspective, limiter, breaker, maxWaitMs } = this.options;
    const refused = perspective.precheck(input.text);
    if (refused) return { ok: false, error: refused };
    const deadline = performance.now() + maxWaitMs;
    let rateLimited: PerspectiveError | undefined;
    for (let attempt = 0; ; attempt++) {
      if (!breaker.allow()) return fail('circuit-open', 'perspective: circuit open');
      let granted: boolean;
      try {
        const budget = Math.max(0, deadline - performance.now());
        granted = (await bounded(limiter.acquire(budget), budget + LIMITER_SLACK_MS)).granted;
      } catch (err) {
        breaker.release();
        return fail('limiter-error', `perspective: rate limiter failed: ${(err as Error).message}`);
      }
      if (!granted) {
        breaker.release();
        // After a 429, running out of time is the 429's doing.
        return rateLimited ? { ok: false, error: rateLimited } : fail('quota-wait', `perspective: no quota token within ${maxWaitMs} ms`);
      }
      try {
        const result = await perspective.classify(input);
        breaker.success();
        this.rateLimitedInARow = 0;
        return { ok: true, result };
      } catch (err) {
        const error = err instanceof PerspectiveError ? err : new PerspectiveError('malformed', 'perspective: unexpected failure');
        if (SYSTEMIC.has(error.kind)) breaker.failure();
        else breaker.release();
        this.log(error);
        if (error.kind !== 'rate-limited') return { ok: false, error };
        rateLimited = error;
        await this.backOff(error);
        // Retry once: the next acquire() waits out the back-off if it ends before the deadline.
        if (attempt >= 1) return { ok: false, error };
      }
    }
  }

  /** Honours Retry-After, else doubles from `backoffInitialMs`; every worker on the key pauses. */
  private async backOff(error: PerspectiveError): Promise<void> {
    const { backoffInitialMs, backoffMaxMs, limiter } = this.options;
    this.rateLimitedInARow += 1;
    const exponential = backoffInitialMs * 2 ** Math.min(this.rateLimitedInARow - 1, 20);
    const ms = Math.min(backoffMaxMs, error.retryAfterMs ?? exponential);
    try {
      await bounded(limiter.penalize(ms), LIMITER_SLACK_MS);
    } catch {
      // The limiter is down; acquire() will fail too and the local model decides.
    }
  }

  private log(error: PerspectiveError): void {
    const level = SYSTEMIC.has(error.kind) || error.kind === 'rate-limited' ? 'warn' : 'debug';
    this.options.logger[level]({ kind: error.kind, httpStatus: error.httpStatus }, error.message);
  }
}

/** Rejects if `p` has not settled within `ms` (a worker's Redis connection may queue commands forever). */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function fail(kind: PerspectiveError['kind'], message: string): Attempt {
  return { ok: false, error: new PerspectiveError(kind, message) };
}

/** The local result, labelled with why Perspective did not decide. */
function markFallback(local: ClassifierResult, error: PerspectiveError): ClassifierResult {
  return { ...local, provider: `${local.provider} (perspective unavailable: ${WHY[error.kind]})` };
}
