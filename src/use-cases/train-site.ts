/**
 * Trains a site's adapter from its labelled history: scores every label with the general classifier
 * (its public `classify` only), trains and cross-validates the adapter (src/site-learning), and stores
 * it as the site's new version when it ranks the site's rejections better than the general model.
 * Used by `npm run train:site` and by the retraining job.
 */
import type { Config } from '../../config';
import type { AdapterStore } from '../infra/adapter-store';
import type { LabelStore } from '../infra/label-store';
import type { Classifier } from '../moderation/types';
import type { TrainingExample } from '../site-learning/train';
import { trainAdapterInThread } from '../site-learning/train-in-thread';
import type { AdapterReport } from '../site-learning/types';

export interface TrainSiteDeps {
  labels: LabelStore;
  adapters: AdapterStore;
  classifier: Classifier;
  settings: Config['siteLearning'];
  now: () => Date;
}

export type TrainSiteOutcome =
  | { status: 'trained'; version: number; report: AdapterReport }
  | { status: 'not-better'; report: AdapterReport }
  | { status: 'too-few-labels'; labels: number; needed: number };

/** Whether the retraining job should train the site now. */
export async function trainingDue(site: string, deps: Pick<TrainSiteDeps, 'labels' | 'adapters' | 'classifier' | 'settings'>): Promise<boolean> {
  const counts = await deps.labels.counts(site);
  if (counts.labels < deps.settings.minLabels) return false;
  const last = await deps.adapters.lastAttempt(site);
  if (!last || last.generalModelVersion !== deps.classifier.version) return true;
  return counts.additions - last.labelAdditions >= deps.settings.minNewLabels;
}

/** Trains the site's adapter; with `force`, stores it even if it does not beat the general model. */
export async function trainSite(site: string, deps: TrainSiteDeps, opts: { force?: boolean } = {}): Promise<TrainSiteOutcome> {
  const counts = await deps.labels.counts(site);
  if (counts.labels < deps.settings.minLabels) return { status: 'too-few-labels', labels: counts.labels, needed: deps.settings.minLabels };
  const examples: TrainingExample[] = [];
  let modelVersion = deps.classifier.version;
  for await (const l of deps.labels.siteLabels(site)) {
    const result = await deps.classifier.classify({ text: l.body });
    modelVersion = result.modelVersion;
    examples.push({ scores: result.scores, text: l.body, label: l.label === 'rejected' ? 1 : 0, group: l.articleId !== undefined ? `a:${l.articleId}` : `l:${l.id}` });
  }
  const s = deps.settings;
  // On a thread of its own: a worker process goes on judging comments meanwhile.
  const trained = await trainAdapterInThread(examples, modelVersion, { buckets: s.wordBuckets, folds: s.folds, targetPrecision: s.targetPrecision }, deps.now());
  const attempt = { labelCount: examples.length, labelAdditions: counts.additions, generalModelVersion: modelVersion };
  await deps.adapters.markAttempt(site, attempt);
  if (trained.report.adaptedAuc <= trained.report.generalAuc && !opts.force) return { status: 'not-better', report: trained.report };
  const version = await deps.adapters.save(site, trained, attempt);
  return { status: 'trained', version, report: trained.report };
}
