/**
 * Moderator decisions kept as labelled examples for retraining the classifier: one JSON line per
 * decision, appended to the site's list (`keys.labels`), read back in chunks by the exporter.
 */
import type { RedisClient as Redis } from './redis';
import type { ReasonCode, Scores } from '../moderation/types';
import type { Keys } from './keys';

/** One labelled example: the text, its context, the human label and what the model had said. */
export interface LabelledExample {
  site: string;
  commentId: string;
  /** Identifies the version of the comment the label is about (edits change it). */
  bodyHash: string;
  body: string;
  articleTitle?: string;
  parentBody?: string;
  label: 'approved' | 'rejected';
  /** The moderator's reason for a rejection. */
  reasonCode?: ReasonCode;
  moderator: string;
  at: string;
  /** The automatic decision's scores and reason codes, before the moderator acted. */
  autoScores: Scores;
  autoReasons: ReasonCode[];
  modelVersion?: string;
}

export class LabelStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async append(example: LabelledExample): Promise<void> {
    await this.redis.rpush(this.keys.labels(example.site), JSON.stringify(example));
  }

  /** Every example of a site, oldest first, read `chunk` at a time. */
  async *all(site: string, chunk = 1000): AsyncGenerator<LabelledExample> {
    for (let start = 0; ; start += chunk) {
      const lines = await this.redis.lrange(this.keys.labels(site), start, start + chunk - 1);
      for (const line of lines) yield JSON.parse(line) as LabelledExample;
      if (lines.length < chunk) return;
    }
  }
}
