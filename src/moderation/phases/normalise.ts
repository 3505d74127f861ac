/** Normalises the body once (shared normaliser: obfuscation undone, spans kept) for the phases after it. */
import { tokenize } from '../text/tokens';
import type { Phase } from './phase';

export const normalisePhase: Phase = {
  name: 'normalise',
  run({ comment }) {
    return { tokens: tokenize(comment.body) };
  },
};
