/**
 * A policy made ready for moderation: settings completed with defaults and word lists compiled into
 * matchers. Compile once per policy object (cached by identity); never per comment.
 */
import { resolvePolicy, type EffectivePolicy, type Policy } from '../../config/policy-schema';
import { compileWordList, type WordMatcher } from './text/word-matcher';

export interface CompiledPolicy {
  readonly policy: EffectivePolicy;
  readonly banned: WordMatcher;
  readonly suspect: WordMatcher;
  readonly trusted: ReadonlySet<string>;
}

const cache = new WeakMap<object, CompiledPolicy>();

/**
 * Compiles `policy` (a resolved site policy, or a global one: missing settings take built-in defaults).
 * The result is cached for the lifetime of the policy object, so passing the same frozen policy to every
 * `moderate` call compiles its word lists exactly once.
 */
export function compilePolicy(policy: Policy | EffectivePolicy): CompiledPolicy {
  const hit = cache.get(policy);
  if (hit) return hit;
  const effective = resolvePolicy(policy);
  const compiled: CompiledPolicy = Object.freeze({
    policy: effective,
    banned: compileWordList(effective.bannedWords),
    suspect: compileWordList(effective.suspectWords),
    trusted: new Set(effective.trustedAuthors),
  });
  cache.set(policy, compiled);
  return compiled;
}
