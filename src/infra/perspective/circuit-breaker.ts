/**
 * A small, pure circuit breaker: closed → (threshold failures in a row) → open → (cool-down) →
 * half-open, where one trial request decides between closed and open again.
 * Per process: each worker learns on its own that Perspective is failing, which costs at most
 * `failureThreshold` bad calls per worker.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit. */
  failureThreshold: number;
  /** Milliseconds the circuit stays open before a trial request. */
  coolDownMs: number;
  /** Injectable clock (ms). */
  now?: () => number;
  /** Called on every state change, e.g. to log it. */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The current state; an open circuit whose cool-down has passed reads as half-open. */
  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.coolDownMs) this.moveTo('half-open');
    return this.state;
  }

  /**
   * Whether a request may go out now. In half-open only one trial is let through; its caller
   * must report `success()`, `failure()` or `release()`.
   */
  allow(): boolean {
    const state = this.current;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** The request worked: close the circuit. */
  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.state !== 'closed') this.moveTo('closed');
  }

  /** The request failed in a way that says Perspective is unwell (timeout, 5xx, bad body…). */
  failure(): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.moveTo('open');
    }
  }

  /** The allowed request said nothing about Perspective's health (429, a 400 for one comment, no token). */
  release(): void {
    this.trialInFlight = false;
  }

  private moveTo(next: BreakerState): void {
    const prev = this.state;
    this.state = next;
    this.options.onStateChange?.(prev, next);
  }
}
