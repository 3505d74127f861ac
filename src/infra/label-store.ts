/**
 * Labelled examples per site, in two forms:
 * - the moderators' decisions as they were made (a list, `keys.labels`), read back by `npm run export:labels`
 *   for retraining the general model;
 * - the site's labelled history (a hash by label id, `keys.siteLabels`) that site learning trains the
 *   site's adapter on: imports and the labels API (`addLabels`), moderator decisions and Perspective
 *   `suggestscore` calls (`append`) all end up there.
 */
import type { RedisClient as Redis } from './redis';
import type { ReasonCode, Scores } from '../moderation/types';
import type { LabelSource, SiteLabel } from '../site-learning/types';
import type { Keys } from './keys';

/** One labelled example: the text, its context, the human label and what the model had said. */
export interface LabelledExample {
  site: string;
  commentId: string;
  /** Identifies the version of the comment the label is about (edits change it). */
  bodyHash: string;
  body: string;
  /** The comment's article (site learning splits folds by article). */
  articleId?: string;
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

/** A moderator's decision taken back (the page's undo): the version's earlier label no longer counts. */
export interface LabelRetraction {
  site: string;
  commentId: string;
  bodyHash: string;
  retracted: true;
  at: string;
}

/** An entry of the export list: a label, or the retraction of the version's label before it. */
export type LabelListEntry = LabelledExample | LabelRetraction;

/** How many labels a site has now, and how many were ever added (replacements count). */
export interface LabelCounts {
  labels: number;
  additions: number;
}

/** Fields per HSET command inside one transaction (keeps each command reasonably small). */
const CHUNK = 500;

export class LabelStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Keeps a decision (a moderator's, or a suggested score: `source`) in the export list and in the site's
   * labelled history, atomically.
   */
  async append(example: LabelledExample, source: LabelSource = 'moderator'): Promise<void> {
    const label: SiteLabel = {
      id: example.commentId,
      body: example.body,
      label: example.label,
      ...(example.reasonCode ? { reasonCode: example.reasonCode } : {}),
      ...(example.articleId ? { articleId: example.articleId } : {}),
      ...(example.parentBody !== undefined ? { parentBody: example.parentBody } : {}),
      decidedAt: example.at,
      source,
    };
    const tx = this.redis.multi().rpush(this.keys.labels(example.site), JSON.stringify(example));
    this.queueLabels(tx, example.site, [label]);
    await this.exec(tx);
  }

  /**
   * Takes back a moderator's label on a comment version (undo), atomically: it leaves the site's labelled
   * history, and the export list records the retraction so the export skips the label.
   */
  async retract(retraction: Omit<LabelRetraction, 'retracted'>): Promise<void> {
    const entry: LabelRetraction = { ...retraction, retracted: true };
    const tx = this.redis.multi().rpush(this.keys.labels(entry.site), JSON.stringify(entry)).hdel(this.keys.siteLabels(entry.site), entry.commentId);
    await this.exec(tx);
  }

  /**
   * Adds validated labels (see `validateLabels` in src/site-learning/label-input.ts) to the site's
   * labelled history in one transaction: all of them or, if Redis fails, none. A label whose id is
   * already there replaces it (the latest decision wins). `source` overrides the labels' own.
   */
  async addLabels(site: string, labels: readonly SiteLabel[], source?: LabelSource): Promise<number> {
    if (!labels.length) return 0;
    const tx = this.redis.multi();
    this.queueLabels(tx, site, source ? labels.map((l) => ({ ...l, source })) : labels);
    await this.exec(tx);
    return labels.length;
  }

  async counts(site: string): Promise<LabelCounts> {
    const [labels, additions] = await Promise.all([this.redis.hlen(this.keys.siteLabels(site)), this.redis.get(this.keys.siteLabelAdditions(site))]);
    return { labels, additions: Number(additions ?? 0) };
  }

  /** The site's labelled history, in no particular order, read in batches. */
  async *siteLabels(site: string): AsyncGenerator<SiteLabel> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.siteLabels(site), cursor, 'COUNT', 1000);
      for (let i = 1; i < flat.length; i += 2) yield JSON.parse(flat[i]) as SiteLabel;
      cursor = next;
    } while (cursor !== '0');
  }

  /** Every moderator example (and retraction) of a site, oldest first, read `chunk` at a time. */
  async *all(site: string, chunk = 1000): AsyncGenerator<LabelListEntry> {
    for (let start = 0; ; start += chunk) {
      const lines = await this.redis.lrange(this.keys.labels(site), start, start + chunk - 1);
      for (const line of lines) yield JSON.parse(line) as LabelListEntry;
      if (lines.length < chunk) return;
    }
  }

  private queueLabels(tx: ReturnType<Redis['multi']>, site: string, labels: readonly SiteLabel[]): void {
    for (let i = 0; i < labels.length; i += CHUNK) {
      const fields = labels.slice(i, i + CHUNK).flatMap((l) => [l.id, JSON.stringify(l)]);
      tx.hset(this.keys.siteLabels(site), ...fields);
    }
    tx.incrby(this.keys.siteLabelAdditions(site), labels.length);
  }

  private async exec(tx: ReturnType<Redis['multi']>): Promise<void> {
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('label transaction aborted');
  }
}
