/**
 * The density bench's workload: `pods` replicas cut into Deployments of at most `perDeployment`
 * pause pods (clusterloader2's density test does the same with its "saturation" objects), and
 * the creation schedule that meets a target pod rate.
 */
import type { Deployment } from '../api/types.js';

/** DENSITY_LABEL marks every object the bench creates. */
export const DENSITY_LABEL = 'kubeactor.io/density';

/** densityDeployments returns the Deployments carrying `pods` replicas in total. */
export function densityDeployments(namespace: string, pods: number, perDeployment: number): Deployment[] {
  if (!Number.isInteger(pods) || pods < 1) throw new RangeError('pods must be a positive integer');
  if (!Number.isInteger(perDeployment) || perDeployment < 1) throw new RangeError('pods per deployment must be a positive integer');
  const out: Deployment[] = [];
  for (let i = 0, left = pods; left > 0; i++) {
    const replicas = Math.min(perDeployment, left);
    left -= replicas;
    const name = `density-${i}`;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { [DENSITY_LABEL]: 'true' } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name, [DENSITY_LABEL]: 'true' } },
          spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
        },
      },
    });
  }
  return out;
}

/**
 * creationOffsetsMs: when to create each Deployment (ms after the start) so pods appear at `qps`
 * pods per second: Deployment i goes once the pods before it are due. No qps: all at once.
 */
export function creationOffsetsMs(replicas: readonly number[], qps?: number): number[] {
  if (!qps) return replicas.map(() => 0);
  if (!(qps > 0)) throw new RangeError('qps must be positive');
  let before = 0;
  return replicas.map((r) => {
    const at = Math.round((before / qps) * 1000);
    before += r;
    return at;
  });
}
