/**
 * The Perspective API behind our `Classifier` interface, through `perspective-api-client`.
 * One call per comment: TOXICITY, SEVERE_TOXICITY, INSULT, THREAT, IDENTITY_ATTACK and PROFANITY,
 * `doNotStore: true`, text sent as is (no HTML stripping, so span offsets match the comment).
 *
 * Comments over 20 KB (UTF-8) are not sent: scoring only a prefix would let abuse hide after
 * 20 KB of padding, so they fail fast with `too-long` and the local model, which reads the whole
 * text, decides them. Failures throw `PerspectiveError` (scrubbed of the key); quota, retries and
 * fallback live in `FallbackClassifier`.
 */
import Perspective from 'perspective-api-client';
import type { Classifier, ClassifierInput, ClassifierResult } from '../../moderation/types';
import { analyzeUrl, withCallSettings, type CallSettings } from './http-hook';
import { PerspectiveError, toPerspectiveError } from './perspective-error';
import { ATTRIBUTES, mapAnalyzeResponse } from './perspective-response';

export interface PerspectiveClassifierOptions {
  /** Secret. Held in a private field, so it never shows up when the object is logged. */
  apiKey: string;
  /** API base, e.g. `https://commentanalyzer.googleapis.com/v1alpha1`. */
  endpoint: string;
  timeoutMs: number;
  /** Largest text sent, in UTF-8 bytes. */
  maxTextBytes: number;
  /** Sent as `languages`; omitted lets Perspective detect them. */
  languages?: string[];
}

export class PerspectiveClassifier implements Classifier {
  readonly name = 'perspective';
  readonly version = 'perspective-v1alpha1';
  readonly #apiKey: string;
  readonly #client: Perspective;
  readonly #url: string;
  private readonly options: Omit<PerspectiveClassifierOptions, 'apiKey'>;

  constructor({ apiKey, ...options }: PerspectiveClassifierOptions) {
    this.#apiKey = apiKey;
    this.#client = new Perspective({ apiKey });
    this.#url = analyzeUrl(options.endpoint);
    this.options = options;
  }

  /** Why a text cannot be sent at all (checked before spending quota), or undefined. */
  precheck(text: string): PerspectiveError | undefined {
    if (text.trim() === '') return new PerspectiveError('empty', 'perspective: empty text is not sent');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.options.maxTextBytes) {
      return new PerspectiveError('too-long', `perspective: comment is ${bytes} bytes, over the ${this.options.maxTextBytes}-byte limit`);
    }
    return undefined;
  }

  async classify({ text }: ClassifierInput): Promise<ClassifierResult> {
    const refused = this.precheck(text);
    if (refused) throw refused;
    const settings: CallSettings = { url: this.#url, timeoutMs: this.options.timeoutMs, outcome: {} };
    let body: unknown;
    try {
      body = await withCallSettings(settings, () =>
        this.#client.analyze(
          { comment: { text }, ...(this.options.languages ? { languages: this.options.languages } : {}) },
          // validate: false because the library's analyze() still posts after its own validation
          // rejects; precheck() above does that job instead.
          { attributes: [...ATTRIBUTES], doNotStore: true, stripHTML: false, validate: false },
        ),
      );
    } catch (err) {
      throw toPerspectiveError(err, settings.outcome.axiosCode, this.#apiKey);
    }
    return { ...mapAnalyzeResponse(body, text.length), provider: this.name, modelVersion: this.version };
  }
}
