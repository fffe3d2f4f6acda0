/**
 * Simulated time. It starts at the real time and runs `speed` times faster (0 freezes it). Every
 * timestamp the simulator shows (statistics, events, the HTTP `Date` header) is on this clock.
 */
export class SimClock {
  private anchorReal: number;
  private anchorSim: number;
  private currentSpeed: number;

  constructor(
    speed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.anchorReal = realNow();
    this.anchorSim = this.anchorReal;
    this.currentSpeed = speed;
  }

  /** Simulated now, in epoch milliseconds. */
  now(): number {
    return Math.floor(this.anchorSim + (this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  /** How many simulated milliseconds pass per real millisecond. */
  get speed(): number {
    return this.currentSpeed;
  }

  /** Changes the speed from now on; time already passed stays. */
  setSpeed(speed: number): void {
    this.anchorSim = this.now();
    this.anchorReal = this.realNow();
    this.currentSpeed = speed;
  }

  /** Jumps simulated time forward by `millis`. */
  advance(millis: number): void {
    this.anchorSim += millis;
  }
}
