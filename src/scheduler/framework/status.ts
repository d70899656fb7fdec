/**
 * Status is what every scheduler plugin returns (framework.Status upstream): a code, the reasons
 * a human reads in `kubectl describe pod`, and the plugin that produced it.
 */

/** Code is the closed set of plugin outcomes. */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/** Status is an immutable plugin result; use the static constructors. */
export class Status {
  private constructor(
    readonly code: Code,
    readonly reasons: readonly string[],
    readonly plugin: string | undefined,
    readonly error?: unknown,
  ) {}

  private static readonly SUCCESS = new Status('Success', [], undefined);
  private static readonly SKIP = new Status('Skip', [], undefined);

  /** Status.success is the shared success value (no allocation on the hot path). */
  static success(): Status {
    return Status.SUCCESS;
  }
  /** Status.skip: the plugin has nothing to do for this pod (PreFilter/PreScore). */
  static skip(): Status {
    return Status.SKIP;
  }
  /** Status.unschedulable: this node does not fit now, but may after cluster changes. */
  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons, undefined);
  }
  /** Status.unresolvable: no cluster change (short of editing the pod) makes this node fit. */
  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons, undefined);
  }
  /** Status.error: an unexpected failure (a throw from a plugin, an API error while binding). */
  static error(err: unknown): Status {
    return new Status('Error', [err instanceof Error ? err.message : String(err)], undefined, err);
  }
  /** withPlugin returns a copy recording which plugin produced it. */
  withPlugin(plugin: string): Status {
    return this.code === 'Success' || this.code === 'Skip' ? this : new Status(this.code, this.reasons, plugin, this.error);
  }
  isSuccess(): boolean {
    return this.code === 'Success';
  }
  isSkip(): boolean {
    return this.code === 'Skip';
  }
  /** isRejected: Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }
  /** message joins reasons with ", " as upstream's Status.Message(). */
  message(): string {
    return this.reasons.join(', ');
  }
}
