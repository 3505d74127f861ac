/**
 * The pipeline's verdict together with the evidence its phases found (scores' spans per category),
 * for answers that show more than the decision: the Perspective-compatible API's span scores and
 * the inline check's reasons. Runs exactly the phases the worker runs, so scores agree with it.
 */
import { moderate, type PipelineDeps } from './pipeline';
import { PHASES } from './phases';
import type { Finding, Phase } from './phases/phase';
import type { CommentInput, ModerationContext, Verdict } from './types';

export interface ExplainedVerdict {
  verdict: Verdict;
  /** Every finding of the phases before the policy decided (category findings carry spans). */
  findings: readonly Finding[];
}

/** Moderates like `moderate`, also returning the findings the policy phase saw. */
export async function moderateExplained(comment: CommentInput, context: ModerationContext, deps: Omit<PipelineDeps, 'phases'>): Promise<ExplainedVerdict> {
  let findings: readonly Finding[] = [];
  // A phase that reads the state just before the policy phase and changes nothing.
  const capture: Phase = {
    name: 'capture',
    run: ({ state }) => {
      findings = state.findings;
      return {};
    },
  };
  const phases = PHASES.flatMap((p) => (p.name === 'policy' ? [capture, p] : [p]));
  const verdict = await moderate(comment, context, { ...deps, phases });
  delete verdict.timings.capture;
  return { verdict, findings };
}
