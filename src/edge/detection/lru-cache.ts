/**
 * A bounded least-recently-used cache on one Map.
 *
 * A Map iterates in insertion order, so re-inserting on a hit moves the key to the newest end and the
 * first key is always the eviction candidate: no linked list, no per-entry wrapper object.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #maxEntries: number;
  #newest: K | undefined;
  // One iterator kept for eviction: a fresh `keys()` would walk past every slot deleted so far at the
  // front of the Map, making each eviction slower than the last.
  #oldest: IterableIterator<K> | undefined;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`LRU cache size must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    // A burst of the same key (one campaign, one browser) skips the re-insertion.
    if (key !== this.#newest) {
      this.#map.delete(key);
      this.#map.set(key, value);
      this.#newest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.#map.has(key)) {
      this.#map.delete(key);
    } else if (this.#map.size >= this.#maxEntries) {
      this.#oldest ??= this.#map.keys();
      let oldest = this.#oldest.next();
      if (oldest.done) {
        this.#oldest = this.#map.keys();
        oldest = this.#oldest.next();
      }
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
    this.#newest = key;
  }

  clear(): void {
    this.#map.clear();
    this.#newest = undefined;
    this.#oldest = undefined;
  }
}
