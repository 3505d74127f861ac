/**
 * fast-check arbitraries for hostile input: strings with zero-width, bidi, control and lone-surrogate
 * characters, prototype-polluting keys, ids with `:` `/` `%` and Unicode, bad %-escapes, random and
 * deeply nested JSON, and bytes that are not UTF-8.
 */
import fc from 'fast-check';

const SPECIALS = [
  '\u200B', '\u200D', '\uFEFF', '\u202E', '\u2066', '\u2069', '\u061C', '\u0000', '\u0007', '\u001F', '\u007F', '\u0085', '\u2028',
  '\uD800', '\uDFFF', '__proto__', 'constructor', 'prototype', '%', '%zz', '%E0%A4%A', ':', ':h', ':claim', ':c', '/', '..', '{cm}', '}',
  'é', 'e\u0301', '日本', '👩‍👩‍👧', '\r\n', '"', '\\', ' ',
];

/** A string mixing hostile fragments with arbitrary code points (lone surrogates included). */
export const nastyString = (maxParts = 6) =>
  fc.array(fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 })), { maxLength: maxParts }).map((p) => p.join(''));

/** Ids: mostly plausible, often hostile. */
export const nastyId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~@+=-]{1,20}$/), nastyString(4), fc.constant('x'.repeat(129)), fc.constant(''));

/** A path segment for an id: percent-encoded, or a raw malformed escape. */
export const pathSegment = fc.oneof(
  nastyId.filter((s) => s.length > 0).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?'))),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '%3A', '..%2F..', '%C0%AF', '%FF'),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(nastyString(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

/** Objects shaped roughly like a comment, with hostile values and extra keys. */
export const commentLike = fc.record(
  {
    id: nastyId,
    articleId: nastyId,
    parentId: fc.oneof(nastyId, nastyValue),
    author: fc.oneof(fc.record({ id: nastyId, name: nastyValue }, { requiredKeys: [] }), nastyValue),
    body: fc.oneof(nastyString(10), nastyValue),
    createdAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nastyValue),
    article: fc.oneof(fc.record({ title: nastyValue, body: nastyValue }, { requiredKeys: [] }), nastyValue),
  },
  { requiredKeys: [] },
);

const goodId = fc.stringMatching(/^[A-Za-z0-9._~@+=-]{1,40}$/);
/** Valid comments whose text is full of zero-width, bidi and other odd (but allowed) characters. */
export const validComment = fc.record({
  id: goodId,
  articleId: goodId,
  author: fc.record({ id: goodId }),
  body: fc
    .array(fc.oneof(fc.constantFrom('\u200B', '\u200D', '\uFEFF', '\u202E', '\u2066', '\u2069', 'é', 'e\u0301', '日本', '👩‍👩‍👧', 'you ', 'idiot ', '__proto__'), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 12 })
    .map((p) => `x ${p.join('').replace(/[\u0000-\u001f\u007f-\u009f\uD800-\uDFFF]/g, '')}`),
});

/** JSON text with keys that try to pollute prototypes. */
const protoJson = fc.tuple(nastyId, nastyString()).map(([id, s]) => `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"id":${JSON.stringify(id)},"body":${JSON.stringify(s)}}`);

/** Deeply nested arrays or objects, up to `maxDepth` levels. */
const deepJson = (maxDepth: number) =>
  fc.tuple(fc.integer({ min: 1, max: maxDepth }), fc.boolean()).map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));

/** Raw request bodies: JSON of random shape, comment-like, prototype keys, deep, huge, broken, non-UTF-8. */
export const rawBody = fc.oneof(
  { weight: 4, arbitrary: commentLike.map((c) => Buffer.from(JSON.stringify(c))) },
  { weight: 2, arbitrary: validComment.map((c) => Buffer.from(JSON.stringify(c))) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.array(commentLike, { maxLength: 8 }).map((comments) => Buffer.from(JSON.stringify({ comments }))) },
  { weight: 1, arbitrary: protoJson.map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: deepJson(200_000).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 1_200_000 }).map((n) => Buffer.from(JSON.stringify({ id: 'big', body: 'x'.repeat(n) }))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => Buffer.from(`{"id":"${s}`)) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])) },
);
