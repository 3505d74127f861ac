import { z } from 'zod';
import { DEFAULT_THRESHOLDS, PolicySchema, PolicyError, resolvePolicy } from '../../config/policy-schema';

// Sites are parsed exactly as config/schema.ts does it.
const site = (o: unknown) => PolicySchema.partial().default({}).parse(o);
const global = (o: unknown) => PolicySchema.prefault({}).parse(o);

describe('resolvePolicy', () => {
  it('gives built-in defaults for an empty configuration', () => {
    const p = resolvePolicy(global({}), site({}));
    expect(p.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(p.premoderation).toBe(false);
    expect(p.version).toBe('1');
  });

  it('lets a site override one threshold and inherit the rest from the global policy', () => {
    const g = global({ version: '7', thresholds: { insult: { flag: 0.5, reject: 0.9 }, threat: { flag: 0.4 } } });
    const p = resolvePolicy(g, site({ thresholds: { insult: { flag: 0.7 } } }));
    expect(p.thresholds.insult).toEqual({ flag: 0.7, reject: 0.9 });
    expect(p.thresholds.threat).toEqual({ flag: 0.4, reject: DEFAULT_THRESHOLDS.threat.reject });
    expect(p.version).toBe('7');
  });

  it('keeps global settings a site does not mention, and merges nested settings key by key', () => {
    const g = global({ targeting: { windowHours: 48 }, premoderation: true, bannedWords: ['a'] });
    const p = resolvePolicy(g, site({ targeting: { stepPerPrior: 0.2 }, bannedWords: ['b'], version: 'x' }));
    expect(p.targeting).toMatchObject({ windowHours: 48, stepPerPrior: 0.2 });
    expect(p.premoderation).toBe(true);
    expect(p.bannedWords).toEqual(['a', 'b']);
    expect(p.version).toBe('1/x');
  });

  it('fails naming the key when a merged reject threshold is below the flag threshold', () => {
    expect(() => resolvePolicy(global({}), site({ thresholds: { spam: { reject: 0.1 } } }))).toThrow(PolicyError);
    expect(() => resolvePolicy(global({}), site({ thresholds: { spam: { reject: 0.1 } } }))).toThrow(/thresholds\.spam/);
  });

  it('rejects out-of-range values at parse time', () => {
    expect(() => site({ thresholds: { insult: { flag: 2 } } })).toThrow(z.ZodError);
  });
});
