/** A small bounded cache for values computed from a string (compiled texts, parsed records). */

/**
 * A bounded memo in two generations: hits in the older one are promoted; when the newer fills up it becomes the
 * older and the oldest is dropped. O(1) per lookup, and recently used entries survive.
 */
export class Memo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string, make: () => V): V {
    let v = this.young.get(key);
    if (v !== undefined) return v;
    v = this.old.get(key) ?? make();
    if (this.young.size >= this.capacity) (this.old = this.young), (this.young = new Map());
    this.young.set(key, v);
    return v;
  }
}
