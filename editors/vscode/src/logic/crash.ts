// CrashCounter decides whether a crashed server is restarted: at most `limit`
// restarts within `windowMs`, like VS Code's own default, so a server that dies
// at start-up does not loop forever.
export class CrashCounter {
  private times: number[] = [];
  constructor(
    private readonly limit = 4,
    private readonly windowMs = 3 * 60_000,
  ) {}

  record(now: number): { restart: boolean; count: number } {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return { restart: this.times.length <= this.limit, count: this.times.length };
  }
}
