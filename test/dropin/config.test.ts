/** The drop-in defaults work out of the box and are refused in production, like the other demo secrets. */
import { loadConfig, sha256Hex } from '../../config';

it('gives the demo site the key demo-perspective-key and the Coral secret demo-coral-secret', () => {
  const demo = loadConfig().sites.find((s) => s.id === 'demo')!;
  expect(demo.perspectiveKeys.map((k) => k.keySha256)).toEqual([sha256Hex('demo-perspective-key')]);
  expect(demo.coral.signingSecrets).toEqual(['demo-coral-secret']);
});

it('refuses the demo Perspective key and Coral secret with NODE_ENV=production', () => {
  const sites = [{ id: 'news', webhookSecrets: ['a-long-secret'], perspectiveKeys: [{ keySha256: sha256Hex('demo-perspective-key') }], coral: { signingSecrets: ['demo-coral-secret'] } }];
  expect(() => loadConfig({ env: { NODE_ENV: 'production' }, overrides: { sites, moderators: [] } })).toThrow(
    /coral\.signingSecrets\[0\] is the default secret[\s\S]*perspectiveKeys\[0\] \(perspective-key\) is the default key/,
  );
});

it('refuses one key on two sites', () => {
  const k = { keySha256: sha256Hex('shared-key') };
  const sites = [{ id: 'a', webhookSecrets: ['a-long-secret'], perspectiveKeys: [k] }, { id: 'b', webhookSecrets: ['a-long-secret'], perspectiveKeys: [k] }];
  expect(() => loadConfig({ overrides: { sites } })).toThrow(/one site only/);
});
