/** Simulated time: every timestamp the emulator, the simulation and the hook see comes from here. */

const EPOCH = Date.parse('2026-11-21T10:00:00Z');

export class SimClock {
  private seconds = 0;

  /** Seconds since the scenario started. */
  get now(): number {
    return this.seconds;
  }

  advance(seconds: number): void {
    this.seconds += seconds;
  }

  /** The current time as the API server writes it (RFC 3339, whole seconds). */
  iso(at: number = this.seconds): string {
    return new Date(EPOCH + at * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
