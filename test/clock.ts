import type { Clock } from '../src/shared/clock.js';

/** A clock tests move by hand: time never passes by sleeping. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
