import { parseCsv } from '../../src/classifier/training/csv';
import { decodeInsultsText } from '../../src/classifier/training/datasets';

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
      ['1', ''],
    ]);
  });

  it('reads tab-separated files', () => {
    expect(parseCsv('id\ttweet\n1\t@USER ok', '\t')).toEqual([
      ['id', 'tweet'],
      ['1', '@USER ok'],
    ]);
  });
});

describe('decodeInsultsText', () => {
  it('strips the triple quotes and decodes literal escapes, including double-escaped UTF-8 bytes', () => {
    expect(decodeInsultsText('"i don\\\'t\\xa0know"')).toBe("i don't\u00a0know");
    expect(decodeInsultsText('"it\\\\xe2\\\\x80\\\\x99s\\\\nfine"')).toBe('it\u2019s\nfine');
    expect(decodeInsultsText('"caf\\u00e9"')).toBe('café');
  });
});
