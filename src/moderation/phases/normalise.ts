/** Normalises the body once (shared normaliser: obfuscation undone, spans kept) for the phases after it and the classifier. */
import { normalize } from '../../classifier/normalize';
import { tokensOf } from '../text/tokens';
import type { Phase } from './phase';

export const normalisePhase: Phase = {
  name: 'normalise',
  run({ comment }) {
    const normalized = normalize(comment.body);
    return { normalized, tokens: tokensOf(comment.body, normalized) };
  },
};
