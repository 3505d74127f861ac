import { compileWordList } from '../../src/moderation/text/word-matcher';
import { tokenize } from '../../src/moderation/text/tokens';

const match = (list: string[], text: string) => compileWordList(list).match(tokenize(text)).map((m) => text.slice(m.span.start, m.span.end));

describe('word list matcher', () => {
  it('matches whole words through case, leetspeak, masking and spacing', () => {
    expect(match(['shit'], 'What SH!T is this, sh1t')).toEqual(['SH!T', 'sh1t']);
    expect(match(['fuck'], 'f u c k that and f*ck this')).toEqual(['f u c k', 'f*ck']);
    expect(match(['bitch'], 'b1tch')).toEqual(['b1tch']);
  });

  it('respects word boundaries', () => {
    expect(match(['ass'], 'a classic assessment in Scunthorpe')).toEqual([]);
    expect(match(['cunt'], 'Scunthorpe United')).toEqual([]);
  });

  it('matches phrases and prefix entries, mapping spans back to the original text', () => {
    expect(match(['go back to'], 'You should GO  back to where')).toEqual(['GO  back to']);
    expect(match(['idiot*'], 'idiotic idiots, idiot')).toEqual(['idiotic', 'idiots', 'idiot']);
  });

  it('handles a 10,000-entry list with the same answers', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => `zzword${i}`).concat(['moron']);
    expect(match(big, 'what a m0ron, zzword9999!')).toEqual(['m0ron', 'zzword9999']);
  });
});
