/**
 * `npm run --silent train:site -- --site S [--force]`: trains the site's adapter on its labelled history
 * over the general model, prints the cross-validated report (ROC-AUC general vs adapted, precision and
 * recall at the chosen thresholds, folds split by article) and stores the adapter as the site's next
 * version, which every worker picks up within `siteLearning.adapterCacheMs`. An adapter that does not beat
 * the general model is not stored unless `--force`. Exit code 0 when stored, 1 otherwise.
 */
import { loadConfig } from '../config';
import { loadLocalClassifier } from '../src/classifier/local-classifier';
import { runCli, siteFlag } from '../src/cli/args';
import { AdapterStore } from '../src/infra/adapter-store';
import { createKeys } from '../src/infra/keys';
import { LabelStore } from '../src/infra/label-store';
import { createRedis, waitForReady } from '../src/infra/redis';
import { formatReport } from '../src/site-learning/report';
import { trainSite } from '../src/use-cases/train-site';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const config = loadConfig({ env: process.env });
  const site = siteFlag(argv, config.sites.map((s) => s.id), true)!;
  const redis = createRedis(config.redis, 'worker', 'train-site');
  try {
    await waitForReady(redis, 5_000);
    const keys = createKeys(config.redis.prefix);
    const classifier = loadLocalClassifier();
    const deps = { labels: new LabelStore(redis, keys), adapters: new AdapterStore(redis, keys), classifier, settings: config.siteLearning, now: () => new Date() };
    const outcome = await trainSite(site, deps, { force: argv.includes('--force') });
    if (outcome.status === 'too-few-labels') {
      process.stdout.write(`site ${site}: ${outcome.labels} labels, ${outcome.needed} needed (siteLearning.minLabels); it keeps the general model\n`);
      return 1;
    }
    process.stdout.write(`site ${site}: ${formatReport(outcome.report, classifier.version)}\n`);
    if (outcome.status === 'not-better') {
      process.stdout.write('not stored: the adapter does not beat the general model on these labels (--force stores it anyway)\n');
      return 1;
    }
    process.stdout.write(`stored as adapter v${outcome.version}; workers use it within ${config.siteLearning.adapterCacheMs} ms\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

runCli('train:site', main);
