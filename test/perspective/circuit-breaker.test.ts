import { CircuitBreaker, type BreakerState } from '../../src/infra/perspective/circuit-breaker';

function breaker(threshold = 3, coolDownMs = 1_000) {
  let now = 0;
  const changes: string[] = [];
  const b = new CircuitBreaker({
    failureThreshold: threshold,
    coolDownMs,
    now: () => now,
    onStateChange: (from: BreakerState, to: BreakerState) => changes.push(`${from}->${to}`),
  });
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed until the failures in a row reach the threshold, and a success resets the count', () => {
    const { b } = breaker(3);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.current).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('opens after the threshold and refuses requests while open', () => {
    const { b, changes, advance } = breaker(3, 1_000);
    for (let i = 0; i < 3; i++) b.failure();
    expect(b.current).toBe('open');
    advance(999);
    expect(b.allow()).toBe(false);
    expect(changes).toEqual(['closed->open']);
  });

  it('lets exactly one trial through after the cool-down and closes when it succeeds', () => {
    const { b, changes, advance } = breaker(2, 1_000);
    b.failure();
    b.failure();
    advance(1_000);
    expect(b.current).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.success();
    expect(b.current).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('re-opens for a full cool-down when the trial fails', () => {
    const { b, advance } = breaker(2, 1_000);
    b.failure();
    b.failure();
    advance(1_500);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.current).toBe('open');
    advance(999);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.allow()).toBe(true);
  });

  it('frees the trial slot on release() without closing or re-opening', () => {
    const { b, advance } = breaker(1, 100);
    b.failure();
    advance(100);
    expect(b.allow()).toBe(true);
    b.release();
    expect(b.current).toBe('half-open');
    expect(b.allow()).toBe(true);
  });
});
