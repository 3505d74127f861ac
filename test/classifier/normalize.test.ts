import { MASK_TOKEN, URL_TOKEN, USER_TOKEN, normalize, toOriginalSpan } from '../../src/classifier/normalize';

const norm = (s: string): string => normalize(s).text;

/** The original text behind each normalised word. */
function sources(original: string): string[] {
  const n = normalize(original);
  const out: string[] = [];
  let from = 0;
  for (const word of n.text.split(' ')) {
    const span = toOriginalSpan(n, from, from + word.length);
    out.push(original.slice(span.start, span.end));
    from += word.length + 1;
  }
  return out;
}

describe('normalize', () => {
  it('lower-cases and splits off punctuation', () => {
    expect(norm('You are SO Wrong, pal!')).toBe('you are so wrong pal');
  });

  it('restores masked words', () => {
    expect(norm('you b*tch')).toBe('you bitch');
    expect(norm('f**k off')).toBe('fuck off');
    expect(norm('what an a**hole')).toBe('what an asshole');
    expect(norm('sh#t')).toBe('shit');
    expect(norm('you bxxxx')).toBe('you bitch');
    expect(norm('fxxx that')).toBe('fuck that');
  });

  it('replaces a fully masked word with a placeholder', () => {
    expect(norm('go **** yourself')).toBe(`go ${MASK_TOKEN} yourself`);
  });

  it('joins s p a c e d letters', () => {
    expect(norm('f u c k you')).toBe('fuck you');
    expect(norm('you are a f.u.c.k.i.n.g idiot')).toBe('you are a fucking idiot');
    expect(norm('s-h-i-t')).toBe('shit');
  });

  it('collapses repeated letters', () => {
    expect(norm('fuuuuuck')).toBe('fuck');
    expect(norm('shiiiiit')).toBe('shit');
    expect(norm('idiooooot')).toBe('idiot');
    expect(norm('good book')).toBe('good book');
  });

  it('undoes leetspeak inside words but keeps numbers', () => {
    expect(norm('sh1t')).toBe('shit');
    expect(norm('a$$hole')).toBe('asshole');
    expect(norm('1d10t')).toBe('idiot');
    expect(norm('sh!t happens!')).toBe('shit happens');
    expect(norm('in 2020 the 1st of 5')).toBe('in 2020 the 1st of 5');
  });

  it('folds Unicode confusables, full-width and styled letters', () => {
    expect(norm('ѕһіt'.replace('һ', 'h'))).toBe('shit'); // Cyrillic s, i
    expect(norm('ＦＵＣＫ')).toBe('fuck');
    expect(norm('𝐟𝐮𝐜𝐤 𝔶𝔬𝔲')).toBe('fuck you');
    expect(norm('idïöt')).toBe('idiot');
    expect(norm('i\u200bdiot')).toBe('idiot');
  });

  it('replaces URLs and mentions with placeholders and decodes HTML entities', () => {
    expect(norm('@anna see https://example.com/x?y=1 &amp; www.foo.org')).toBe(`${USER_TOKEN} see ${URL_TOKEN} ${URL_TOKEN}`);
    expect(norm('@USER you liar URL')).toBe(`${USER_TOKEN} you liar ${URL_TOKEN}`);
  });

  it('maps every normalised word back to what the author wrote', () => {
    expect(sources('You are a B*TCH!!')).toEqual(['You', 'are', 'a', 'B*TCH']);
    expect(sources('what a f u c k i n g  idiooot')).toEqual(['what', 'a', 'f u c k i n g', 'idiooot']);
    expect(sources('𝐟𝐮𝐜𝐤 off')).toEqual(['𝐟𝐮𝐜𝐤', 'off']);
    expect(sources("don't @bob")).toEqual(["don't", '@bob']);
  });

  it('returns empty text for empty or blank input', () => {
    expect(norm('')).toBe('');
    expect(norm('  \n\t ')).toBe('');
  });
});
