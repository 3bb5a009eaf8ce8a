/**
 * Counts rows by a 64-bit digest of their content, so identical rows get ordinals 0, 1, 2 … in the
 * order they come. An open-addressing table in typed arrays: 12 bytes a slot, at most half full, so
 * about 24 bytes per distinct row (a Map of strings takes over 120).
 */
export class RowOrdinals {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  // 0 marks an empty slot, so this holds count + 1.
  #seen = new Uint32Array(1024);
  #size = 0;

  /** How many rows with this digest came before; `digest` is at least 8 bytes of a cryptographic hash. */
  next(digest: Buffer): number {
    const high = digest.readUInt32BE(0);
    const low = digest.readUInt32BE(4);
    const slot = this.#find(high, low);
    const seen = this.#seen[slot]!;
    if (seen === 0) {
      this.#high[slot] = high;
      this.#low[slot] = low;
      this.#seen[slot] = 1;
      if (++this.#size * 2 > this.#seen.length) this.#grow();
      return 0;
    }
    this.#seen[slot] = seen + 1;
    return seen;
  }

  #find(high: number, low: number): number {
    const mask = this.#seen.length - 1;
    let slot = low & mask;
    while (this.#seen[slot] !== 0 && (this.#high[slot] !== high || this.#low[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const [high, low, seen] = [this.#high, this.#low, this.#seen];
    this.#high = new Uint32Array(seen.length * 2);
    this.#low = new Uint32Array(seen.length * 2);
    this.#seen = new Uint32Array(seen.length * 2);
    for (let old = 0; old < seen.length; old++) {
      if (seen[old] === 0) continue;
      const slot = this.#find(high[old]!, low[old]!);
      this.#high[slot] = high[old]!;
      this.#low[slot] = low[old]!;
      this.#seen[slot] = seen[old]!;
    }
  }
}
