/**
 * The site's own standard, learnt from its moderation history (src/site-learning): when the site has an
 * adapter trained over the same general model, its probability that the site would reject the comment
 * adds a SITE_STANDARD finding that flags or rejects at the adapter's thresholds (chosen for a target
 * precision on the site's labels). It only adds reasons; the general model's own reasons still apply.
 */
import { adapterApplies, applyAdapter } from '../../site-learning/adapter';
import { quote } from '../text/tokens';
import type { Finding, Phase } from './phase';

export const siteStandardPhase: Phase = {
  name: 'siteStandard',
  run({ comment, adapter, state }) {
    const classification = state.classification;
    if (!adapter || !classification || !adapterApplies(adapter, classification.modelVersion)) return {};
    const { score, spans } = applyAdapter(adapter, classification.scores, comment.body, state.tokens.length ? state.tokens : undefined);
    const used = { site: adapter.site, version: adapter.version, score };
    const { flag, reject } = adapter.thresholds;
    if (score < flag) return { adapter: used };
    const q = quote(comment.body, spans);
    const finding: Finding = {
      code: 'SITE_STANDARD',
      action: score >= reject ? 'reject' : 'flag',
      score,
      spans,
      message: `Against this site's standard, learnt from its moderators (${score.toFixed(2)}, adapter v${adapter.version})${q ? `: ${q}` : ''}`,
    };
    return { adapter: used, findings: [finding] };
  },
};
