/**
 * Reads (or script calls) asked for in the same tick, gathered into one command per group (a moderation
 * group's comments load their contexts side by side; concurrent webhooks arrive together): e.g. one MGET
 * for the authors of a site instead of a GET each. The
 * keys of a group must share a cluster slot (one site's keys do: its hash tag). Each caller gets its own
 * item's answer, or the command's error.
 */
export class TickBatch<T, I = string> {
  private waiting = new Map<string, Array<{ item: I; resolve: (v: T) => void; reject: (e: unknown) => void }>>();

  /** `readAll(group, items)` answers one value per item, in order (an `Error` in an item's place rejects that item only). */
  constructor(private readonly readAll: (group: string, items: I[]) => Promise<Array<T | Error>>) {}

  get(group: string, item: I): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) process.nextTick(() => this.flush());
      const list = this.waiting.get(group);
      if (list) list.push({ item, resolve, reject });
      else this.waiting.set(group, [{ item, resolve, reject }]);
    });
  }

  private flush(): void {
    const groups = this.waiting;
    this.waiting = new Map();
    for (const [group, list] of groups) {
      this.readAll(group, list.map((w) => w.item)).then(
        (values) => list.forEach((w, i) => {
          const v = values[i];
          if (v instanceof Error) w.reject(v);
          else w.resolve(v);
        }),
        (err: unknown) => list.forEach((w) => w.reject(err)),
      );
    }
  }
}
