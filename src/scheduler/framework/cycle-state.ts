/**
 * CycleState carries data between the extension points of one scheduling cycle (one pod).
 * Keys are plugin-chosen strings (usually `PreFilter<PluginName>`); it is not shared across pods.
 */

/** CycleState is a typed bag of per-cycle data. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** skipFilter names plugins whose PreFilter returned Skip. */
  readonly skipFilter = new Set<string>();

  /** read returns what write stored under key, or undefined. */
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  /** write stores value under key, replacing any earlier value. */
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}
