import { readFileSync } from 'node:fs';
import path from 'node:path';
import { YOUNG_GENERATION_FLAG, youngGenerationNotice } from '../../src/runtime-flags';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the young-generation flag the service starts with', () => {
  it('is passed to node by every start script', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'start:api', 'start:worker']) {
      expect(scripts[name].split(/\s+/).slice(0, 2)).toEqual(['tsx', YOUNG_GENERATION_FLAG]);
    }
  });

  it("is in the image's NODE_OPTIONS, in the runtime stage", () => {
    const runtime = read('Dockerfile').split(/^FROM .* AS runtime$/m)[1];
    expect(runtime).toBeDefined();
    expect(/NODE_OPTIONS=(\S+)/.exec(runtime)?.[1]).toBe(YOUNG_GENERATION_FLAG);
  });

  it('is asked for only when neither the command line nor NODE_OPTIONS sets a size', () => {
    expect(youngGenerationNotice(['--import', 'tsx'], '')).toContain(YOUNG_GENERATION_FLAG);
    expect(youngGenerationNotice([], undefined)).toContain(YOUNG_GENERATION_FLAG);
    expect(youngGenerationNotice(['--import', 'tsx', '--max-semi-space-size=32'])).toBeUndefined();
    expect(youngGenerationNotice([], '--enable-source-maps --max-semi-space-size=64')).toBeUndefined();
  });
});
