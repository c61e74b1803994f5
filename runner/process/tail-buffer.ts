/** Keeps the last `max` characters of a stream, in time linear in the input. */
export class TailBuffer {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    if (!chunk) return;
    this.parts.push(chunk);
    this.length += chunk.length;
    // Compact only when twice the limit is held, so that each character is copied a bounded number of times.
    if (this.length > 2 * this.max) this.compact();
  }

  text(): string {
    this.compact();
    return this.parts[0] ?? "";
  }

  private compact(): void {
    const joined = this.parts.join("");
    const kept = joined.length > this.max ? joined.slice(-this.max) : joined;
    this.parts = kept ? [kept] : [];
    this.length = kept.length;
  }
}
