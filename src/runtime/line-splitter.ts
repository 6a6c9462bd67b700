/**
 * Splits bytes into lines across chunk boundaries, working on bytes so a UTF-8 character split between two
 * reads is never garbled. A line longer than the limit is dropped whole (and reported) rather than buffered
 * without bound.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;
  /** Lines dropped for exceeding the limit. */
  oversized = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Bytes held for an incomplete last line; the committed position is the read position minus this. */
  get bufferedBytes(): number {
    return this.discarding ? 0 : this.pendingBytes;
  }

  /** Skipped bytes of an oversized line still being read; they count as consumed. */
  push(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        const line = Buffer.concat(this.pending).toString('utf8');
        this.pending = [];
        this.pendingBytes = 0;
        onLine(line);
      } else {
        // Empty lines are passed on too, so callers can count line numbers.
        onLine(chunk.toString('utf8', start, nl));
      }
      start = nl + 1;
    }
    if (start < chunk.length && !this.discarding) {
      const rest = chunk.subarray(start);
      if (this.pendingBytes + rest.length > this.maxLineBytes) {
        this.pending = [];
        this.pendingBytes = 0;
        this.discarding = true;
        this.oversized++;
      } else {
        // Copy: the reader reuses its buffer for the next read.
        this.pending.push(Buffer.from(rest));
        this.pendingBytes += rest.length;
      }
    }
  }

  /** The last line when the input ends without a newline. */
  flush(onLine: (line: string) => void): void {
    if (!this.discarding && this.pendingBytes > 0) onLine(Buffer.concat(this.pending).toString('utf8'));
    this.reset();
  }

  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }
}
