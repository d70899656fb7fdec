/**
 * kubeconfig for a running cluster: plain HTTP on loopback, no credentials. The cluster entry
 * carries `insecure-skip-tls-verify: true` because @kubernetes/client-node refuses http:// servers
 * without it; kubectl ignores it for http.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** kubeconfigYaml renders a kubeconfig whose current context points at server. */
export function kubeconfigYaml(clusterName: string, server: string): string {
  const ctx = `kubeactor-${clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: ctx, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: ctx, user: {} }],
    contexts: [{ name: ctx, context: { cluster: ctx, user: ctx, namespace: 'default' } }],
    'current-context': ctx,
    preferences: {},
  });
}

/** writeKubeconfig writes the kubeconfig (mode 0600), creating its directory. */
export function writeKubeconfig(path: string, clusterName: string, server: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(clusterName, server), { mode: 0o600 });
}
