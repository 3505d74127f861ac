/** The v2 signature is exactly what README "Public API v1" documents, and nothing less verifies. */
import { createHmac } from 'node:crypto';
import { precheckSignature, signRequest, verifyRequest } from '../../src/security/signature';

const now = Date.UTC(2026, 11, 1, 12, 0, 0);
const t = Math.floor(now / 1000);
const body = '{"id":"c-1"}';
const req = { method: 'post', path: '/v1/sites/demo/comments?x=%2F', rawBody: body };
const opts = { secrets: ['s3cret-abc'], toleranceSeconds: 300, allowV1: false, now };

describe('signature scheme v2', () => {
  it('is HMAC-SHA256 over "<t>.<nonce>.<METHOD>.<path as sent>.<raw body>"', () => {
    const expected = createHmac('sha256', 's3cret-abc').update(`${t}.n0nce.POST./v1/sites/demo/comments?x=%2F.${body}`).digest('hex');
    expect(signRequest('s3cret-abc', req, { now, nonce: 'n0nce' })).toBe(`t=${t},n=n0nce,v2=${expected}`);
    const noNonce = createHmac('sha256', 's3cret-abc').update(`${t}..POST./v1/sites/demo/comments?x=%2F.${body}`).digest('hex');
    expect(signRequest('s3cret-abc', req, { now, nonce: '' })).toBe(`t=${t},v2=${noNonce}`);
  });

  it('binds method, path, body, timestamp and nonce', () => {
    const header = signRequest('s3cret-abc', req, { now, nonce: 'abc' });
    expect(verifyRequest(header, req, opts)).toMatchObject({ ok: true, scheme: 'v2' });
    expect(verifyRequest(header, { ...req, method: 'PUT' }, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRequest(header, { ...req, path: '/v1/sites/demo/comments' }, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRequest(header, { ...req, rawBody: `${body} ` }, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRequest(header.replace('n=abc', 'n=abd'), req, opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRequest(header, req, { ...opts, now: now + 301_000 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('gives the same replay id whichever rotation secret matched, and a new one per nonce', () => {
    const both = signRequest(['old-secret-1', 'new-secret-2'], req, { now, nonce: 'abc' });
    const onlyNew = both.split(',').filter((p, i) => i !== 2).join(',');
    const a = verifyRequest(both, req, { ...opts, secrets: ['old-secret-1', 'new-secret-2'] });
    const b = verifyRequest(onlyNew, req, { ...opts, secrets: ['old-secret-1', 'new-secret-2'] });
    expect(a.ok && b.ok && a.replayId === b.replayId).toBe(true);
    const c = verifyRequest(signRequest('new-secret-2', req, { now, nonce: 'other' }), req, { ...opts, secrets: ['new-secret-2'] });
    expect(c.ok && a.ok && c.replayId !== a.replayId).toBe(true);
  });

  it('refuses v1 where it is not allowed, before any body is needed', () => {
    expect(precheckSignature(`t=${t},v1=${'a'.repeat(64)}`, 300, false, now)).toEqual({ ok: false, reason: 'v1_not_allowed' });
    expect(precheckSignature(`t=${t},v1=${'a'.repeat(64)}`, 300, true, now)).toEqual({ ok: true });
    expect(precheckSignature(undefined, 300, true, now)).toEqual({ ok: false, reason: 'missing' });
    expect(precheckSignature('t=1,v2=zz', 300, true, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
