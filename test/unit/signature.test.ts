import { computeSignature, parseSignatureHeader, signatureHeader, verifySignature } from '../../src/security/signature';

const body = Buffer.from('{"id":"1"}');
const now = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('request signatures', () => {
  it('accepts a header signed with the secret over "<t>.<raw body>"', () => {
    const t = Math.floor(now / 1000);
    const header = `t=${t},v1=${computeSignature('s3cret-abc', t, body)}`;
    expect(verifySignature(header, body, ['s3cret-abc'], 300, now)).toEqual({ ok: true });
  });

  it('matches when any of several v1 values matches any configured secret (rotation)', () => {
    const header = signatureHeader(['old-secret-1', 'new-secret-2'], body, now);
    expect(verifySignature(header, body, ['new-secret-2'], 300, now).ok).toBe(true);
    expect(verifySignature(header, body, ['other-secret'], 300, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a changed body, a stale or future timestamp, and malformed headers', () => {
    const header = signatureHeader('s3cret-abc', body, now);
    expect(verifySignature(header, Buffer.from('{"id":"2"}'), ['s3cret-abc'], 300, now).ok).toBe(false);
    expect(verifySignature(header, body, ['s3cret-abc'], 300, now + 301_000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(header, body, ['s3cret-abc'], 300, now - 301_000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(undefined, body, ['s3cret-abc'], 300, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature('v1=abc', body, ['s3cret-abc'], 300, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseSignatureHeader('t=12,v1=zz')).toBeNull();
  });
});
