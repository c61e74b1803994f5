/**
 * Keeps the last `max` characters of a stream, in time linear in the input. Once something was dropped,
 * the text starts at a line boundary, so a secret cut in half at the start can never be handed on unredacted.
 */
export class TailBuffer {
  private parts: string[] = [];
  private length = 0;
  private dropped = false;

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
    const kept = this.parts[0] ?? "";
    if (!this.dropped) return kept;
    const boundary = kept.search(/[\r\n]/);
    // One endless line (a progress bar without breaks) is kept whole rather than dropped.
    return boundary === -1 ? kept : kept.slice(boundary + 1);
  }

  private compact(): void {
    const joined = this.parts.join("");
    if (joined.length > this.max) this.dropped = true;
    const kept = joined.length > this.max ? joined.slice(-this.max) : joined;
    this.parts = kept ? [kept] : [];
    this.length = kept.length;
  }
}
