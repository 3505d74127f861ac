/**
 * Off-topic evaluation: on every construction of scripts/offtopic-sets.ts (each comment under its own
 * conversation vs moved under another one), ROC-AUC of the plain TF-IDF cosine baseline against article +
 * thread, of the shipped relevance score, and of each signal alone. The shipped combination was learned on the
 * Wikipedia TRAINING half only (src/moderation/relevance/combination.json), so every set here is held out.
 *   npm run eval:offtopic [-- --data ../shared/data/dev --training ../shared/data/training]
 * The SFU dev data (CC BY-NC-SA 4.0) and the Wikipedia replies (Apache-2.0) are read in place; nothing is copied.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../config/policy-schema';
import { ContextCache } from '../src/moderation/relevance/compiled';
import { FEATURES } from '../src/moderation/relevance/features';
import { scoreRelevance } from '../src/moderation/relevance/score';
import { contextCacheFor, SiteTermCounter } from '../src/moderation/relevance/site-terms';
import { tokenize } from '../src/moderation/text/tokens';
import combination from '../src/moderation/relevance/combination.json';
import { allPairSets, rocAuc, tfidfBaseline, type PairSet } from './offtopic-sets';

/**
 * The set's articles counted as one site's (what the classify CLI does with the articles of its input, and the
 * worker with the site's stored articles); undefined below the minimum article count.
 */
function siteTermsOf(set: PairSet) {
  const counter = new SiteTermCounter(set.name);
  for (const { conv } of set.pairs) counter.addArticle(conv.title ?? '', conv.body ?? '');
  return counter.snapshot();
}

/**
 * Prints the table for one set; returns ROC-AUC over all pairs of the baseline, the relevance score without and
 * with the set's article statistics, and the shipped −offTopic (with them).
 */
function evalSet(set: PairSet): [number, number, number, number] {
  const minWords = DEFAULT_SETTINGS.relevance.minContentWords;
  const general = set.pairs.map((p) => scoreRelevance(p.comment, tokenize(p.comment), p.conv, DEFAULT_SETTINGS.relevance, new ContextCache()));
  const terms = siteTermsOf(set);
  const cache = contextCacheFor(terms);
  const started = performance.now();
  const results = set.pairs.map((p) => scoreRelevance(p.comment, tokenize(p.comment), p.conv, DEFAULT_SETTINGS.relevance, cache));
  const msPerPair = (performance.now() - started) / set.pairs.length;
  const labels = set.pairs.map((p) => p.onTopic);
  const baseline = tfidfBaseline(set);
  const judgeable = results.map((r) => r.contentWords >= minWords);
  const columns = (scores: number[]) => ({
    all: rocAuc(scores, labels).toFixed(3),
    [`≥${minWords} content words`]: rocAuc(scores.filter((_, i) => judgeable[i]), labels.filter((_, i) => judgeable[i])).toFixed(3),
  });
  const rows: Record<string, Record<string, string>> = {
    'TF-IDF cosine vs article + thread (baseline)': columns(baseline),
    'relevance score, background specificity only': columns(general.map((r) => r.relevance)),
    'relevance score with the articles\' statistics': columns(results.map((r) => r.relevance)),
    'shipped −offTopic (shrunk below the word minimum)': columns(results.map((r) => -r.offTopic)),
  };
  for (const f of FEATURES) rows[`  signal alone: ${f}`] = columns(results.map((r) => r.features[f]));
  const pos = labels.filter((l) => l === 1).length;
  console.log(`\n${set.name}: ${set.about}`);
  console.log(`${pos} own pairs, ${labels.length - pos} moved pairs, ${judgeable.filter(Boolean).length} with ≥${minWords} content words; ${terms?.articles ?? 0} articles counted; ${msPerPair.toFixed(3)} ms per pair`);
  console.table(rows);
  const auc = (scores: number[]) => rocAuc(scores, labels);
  return [auc(baseline), auc(general.map((r) => r.relevance)), auc(results.map((r) => r.relevance)), auc(results.map((r) => -r.offTopic))];
}

/** Prints the off-topic ROC-AUC tables (also run by `npm run eval -- --dev <dir>`). */
export function runOffTopicEval(devDir: string, trainingDir = '../shared/data/training'): void {
  console.log(`Combination learned on: ${combination.trainedOn.join('; ')} (training ROC-AUC ${combination.trainAuc}).`);
  console.log(`Weights ${JSON.stringify(combination.weights)}, intercept ${combination.intercept}. None of the sets below was used to learn it.`);
  const summary: Record<string, Record<string, string>> = {};
  for (const set of allPairSets(devDir, trainingDir)) {
    const [base, general, ours, shipped] = evalSet(set);
    summary[set.name] = {
      'TF-IDF cosine': base.toFixed(3),
      'relevance, background only': general.toFixed(3),
      'relevance, with articles': ours.toFixed(3),
      'shipped −offTopic': shipped.toFixed(3),
      pairs: String(set.pairs.length),
    };
  }
  console.log('\nSummary (ROC-AUC, all pairs):');
  console.table(summary);
}

if (require.main === module) {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/dev' }, training: { type: 'string', default: '../shared/data/training' } } });
  runOffTopicEval(values.data!, values.training!);
}
