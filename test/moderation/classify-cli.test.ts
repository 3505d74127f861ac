import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Runs the CLI as `npm run --silent classify` does (tsx), returning stdout lines. */
function classify(lines: string[]): { out: Array<Record<string, any>>; raw: string; status: number | null } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/cli/classify.ts')], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { out: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), raw: r.stdout, status: r.status };
}

const article = { title: 'NATO has no plans to deploy troops to Ukraine', body: 'Stoltenberg said NATO has no plans to deploy troops to Ukraine; Russia gained ground.' };

describe('classify CLI', () => {
  const { out, raw, status } = classify([
    JSON.stringify({ id: 'ok-1', body: 'Agreed.', article }),
    '{not json',
    JSON.stringify({ body: 'no id here' }),
    JSON.stringify({ id: 'bad-thread', body: 'x', thread: 'not a list' }),
    '',
    JSON.stringify({ id: 'ok-2', body: '@John, saying you are a pussy.', parent: { body: 'Please clarify?' }, thread: ['Please clarify?'] }),
    JSON.stringify([1, 2]),
  ]);

  it('writes exactly one JSON line per input line, in order, and nothing else', () => {
    expect(status).toBe(0);
    expect(raw.split('\n').filter(Boolean)).toHaveLength(7);
    expect(out.map((o) => o.id)).toEqual(['ok-1', undefined, undefined, 'bad-thread', undefined, 'ok-2', undefined]);
  });

  it('reports bad lines as error objects and keeps going', () => {
    expect(out[1]).toEqual({ error: 'invalid JSON' });
    expect(out[2].error).toMatch(/^id: /);
    expect(out[3]).toEqual({ id: 'bad-thread', error: expect.stringMatching(/^thread: /) });
    expect(out[4]).toEqual({ error: 'empty line' });
    expect(out[6].error).toMatch(/expected object/);
  });

  it('outputs every score, the action and reasons with code, score and spans', () => {
    expect(Object.keys(out[0].scores)).toEqual(expect.arrayContaining(['toxicity', 'insult', 'threat', 'identityAttack', 'profanity', 'harassment', 'offTopic']));
    expect(out[0]).toMatchObject({ action: 'approve', reasons: [] });
    expect(out[5].action).not.toBe('approve');
    expect(out[5].reasons[0]).toEqual(expect.objectContaining({ code: expect.any(String), score: expect.any(Number), spans: expect.any(Array) }));
  });
});

describe('classify CLI input forms', () => {
  it('takes parent and thread comments as texts or as {body} objects, and an article without a title, alike', () => {
    const thread = ['Stoltenberg ruled out troops.', 'Russia gained ground near Avdiivka.'];
    const body = 'Sending troops to Ukraine would be a mistake, Stoltenberg is right.';
    const { out, status } = classify([
      JSON.stringify({ id: 'texts', body, article: { title: '', body: article.body }, parent: thread[1], thread }),
      JSON.stringify({ id: 'objects', body, article: { body: article.body }, parent: { body: thread[1] }, thread: thread.map((b) => ({ body: b, id: 'x' })) }),
      JSON.stringify({ id: 'bad', body, thread: [{ text: 'no body' }] }),
    ]);
    expect(status).toBe(0);
    expect({ ...out[1], id: 'texts' }).toEqual(out[0]);
    expect(out[0].scores.offTopic).toBeGreaterThanOrEqual(0);
    expect(out[2]).toEqual({ id: 'bad', error: expect.stringMatching(/^thread\.0/) });
  });
});

describe('classify CLI with worker threads', () => {
  // Six articles, the later ones first seen past the look-ahead: the input's article statistics change mid-stream.
  const articles = ['expansion', 'dredging', 'budget', 'ferry', 'pier', 'lighthouse'].map((w, k) => ({
    title: `Harbour ${w} approved`,
    body: `The council approved the harbour ${w} and the work on the shipping lanes on Tuesday (${k}).`,
  }));
  const input = Array.from({ length: 40 }, (_, i) =>
    i % 13 === 5
      ? '{broken'
      : JSON.stringify({
          id: `c-${i}`,
          body: i % 7 === 3 ? 'Same text posted again and again by the same reader here.' : `Comment ${i}: the harbour ${i % 3 ? 'dredging' : 'ferry'} plan costs too much.`,
          article: articles[Math.min(5, Math.floor(i / 4))],
          thread: i % 2 ? ['The harbour plan is fine.'] : [],
        }),
  );
  const run = (args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/cli/classify.ts'), ...args], { input: input.join('\n') + '\n', encoding: 'utf8', cwd: ROOT });

  it('writes the same lines in the same order as the single-threaded run (repeats counted in input order)', () => {
    const single = run(['--workers', '1', '--lookahead', '4']);
    const pooled = run(['--workers', '2', '--sequential', '3', '--batch', '4', '--lookahead', '4']); // 10 batches over 2 threads
    expect(single.status).toBe(0);
    expect(pooled.status).toBe(0);
    expect(pooled.stdout.split('\n').filter(Boolean)).toHaveLength(40);
    expect(pooled.stdout).toEqual(single.stdout);
    expect(single.stdout).toMatch(/REPEAT_POST/);
    // The statistics took part: reading the whole input ahead changes some off-topic scores.
    expect(run(['--workers', '1']).stdout).not.toEqual(single.stdout);
  });
});
