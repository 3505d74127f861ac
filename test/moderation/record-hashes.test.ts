import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { bodyHash, textFingerprint } from '../../src/moderation/record';

// The stored keys these hashes make (body versions, repeat-post counts) must not change with how they are computed.
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);
const reference = (body: string) => sha(body.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim());

describe('comment hashes', () => {
  it('fingerprint ignores case, punctuation and spacing', () => {
    expect(textFingerprint('  Hello,   WORLD!! 42 ')).toBe(textFingerprint('hello world 42'));
    expect(textFingerprint('Ｈｅｌｌｏ world')).toBe(textFingerprint('hello world'));
    expect(textFingerprint('hello_world')).toBe(textFingerprint('hello world'));
    expect(textFingerprint('hello world')).not.toBe(textFingerprint('hello word'));
  });

  it('fingerprint is the SHA-256 of the NFKC, lower-cased, letters-and-digits text (ASCII and not)', () => {
    for (const s of ['', ' ', '\t\n', 'A', '#1 Über-café ﬁne', 'x\u0000y\u007fz', 'İstanbul ΣΊΣΥΦΟΣ', 'emoji 😀 ok', 'a\u00a0b']) expect([s, textFingerprint(s)]).toEqual([s, reference(s)]);
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (s) => textFingerprint(s) === reference(s)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => textFingerprint(s) === reference(s)), { numRuns: 1000 });
    // ASCII with General Punctuation (dashes, quotes, spaces, invisible marks), as in most news comments.
    const punctuated = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 3 }), fc.integer({ min: 0x2000, max: 0x206f }).map((c) => String.fromCharCode(c)));
    fc.assert(fc.property(fc.array(punctuated, { maxLength: 30 }), (parts) => textFingerprint(parts.join('')) === reference(parts.join(''))), { numRuns: 3000 });
    for (let c = 0x2000; c <= 0x206f; c++) for (const s of [`a${String.fromCharCode(c)}B`, `1${String.fromCharCode(c)}`]) expect([c, textFingerprint(s)]).toEqual([c, reference(s)]);
  });

  it('body hash is the SHA-256 of the body as it is', () => {
    for (const s of ['', 'Hello', 'hello', 'café 😀']) expect(bodyHash(s)).toBe(sha(s));
  });
});
