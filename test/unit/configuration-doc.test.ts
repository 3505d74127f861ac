/**
 * docs/configuration.md is a promise: every key of the schema and every environment override is
 * documented there, and the production refusal points to it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, ENV_KEYS, loadConfig } from '../../config';
import { ConfigSchema } from '../../config/schema';

const doc = readFileSync(path.resolve(__dirname, '../../docs/configuration.md'), 'utf8');

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema };
function leaves(s: JsonSchema, at: string): string[] {
  if (s.type === 'object' && s.properties) return Object.entries(s.properties).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  if (s.type === 'array' && s.items?.properties) return leaves(s.items, `${at}[]`);
  return [at];
}

describe('docs/configuration.md', () => {
  it('documents every key of the schema', () => {
    const keys = leaves(z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, '');
    expect(keys.length).toBeGreaterThan(60);
    const missing = keys.filter((key) => {
      const k = key.replace(/^sites\[\]\.policy\./, 'policy.');
      const threshold = /^policy\.thresholds\.(\w+)\.(flag|reject)$/.exec(k);
      if (threshold) return !doc.includes(threshold[1]);
      const last = k.slice(k.lastIndexOf('.') + 1);
      return !doc.includes(`\`${k}\``) && !doc.includes(`.${last}\``);
    });
    expect(missing).toEqual([]);
  });

  it('names every environment override', () => {
    expect(ENV_KEYS.map(([name]) => name).filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('is where the production refusal sends the operator', () => {
    expect(() => loadConfig({ env: { NODE_ENV: 'production' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { NODE_ENV: 'production' } })).toThrow(/docs\/configuration\.md/);
    expect(doc).toMatch(/## Production refusals/);
  });
});
