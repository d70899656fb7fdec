import { describe, expect, test } from 'vitest';
import { HORIZONTALPODAUTOSCALERS, HORIZONTALPODAUTOSCALERS_V1, RESOURCES, lookupKind, lookupResource, lookupResourceVersion, resourceKey } from '../../../src/api/resources.js';

describe('api - resource catalogue', () => {
  test('api - every entry is unique by group, version and resource, with a List kind', () => {
    const keys = RESOURCES.map((r) => `${r.group}/${r.version}/${r.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of RESOURCES) expect(r.listKind).toBe(`${r.kind}List`);
  });

  test.each([
    ['', 'configmaps', 'cm', false],
    ['', 'persistentvolumes', 'pv', false],
    ['apps', 'statefulsets', 'sts', true],
    ['batch', 'cronjobs', 'cj', true],
    ['batch', 'jobs', undefined, true],
    ['policy', 'poddisruptionbudgets', 'pdb', false],
    ['networking.k8s.io', 'networkpolicies', 'netpol', false],
    ['scheduling.k8s.io', 'priorityclasses', 'pc', false],
    ['storage.k8s.io', 'storageclasses', 'sc', false],
  ])('api - %s/%s has shortName %s and is in "all": %s', (group, resource, short, all) => {
    const info = lookupResource(group, resource)!;
    expect(info.shortNames?.[0]).toBe(short);
    expect((info.categories ?? []).includes('all')).toBe(all);
  });

  test('api - autoscaling serves v2 (preferred) and v1 of one resource', () => {
    expect(lookupResource('autoscaling', 'horizontalpodautoscalers')).toBe(HORIZONTALPODAUTOSCALERS);
    expect(HORIZONTALPODAUTOSCALERS.version).toBe('v2');
    expect(lookupResourceVersion('autoscaling', 'v1', 'horizontalpodautoscalers')).toBe(HORIZONTALPODAUTOSCALERS_V1);
    expect(resourceKey(HORIZONTALPODAUTOSCALERS)).toBe('autoscaling/horizontalpodautoscalers');
    expect(resourceKey(HORIZONTALPODAUTOSCALERS_V1)).toBe('autoscaling/horizontalpodautoscalers@v1');
    expect(lookupKind('autoscaling', 'HorizontalPodAutoscaler')).toBe(HORIZONTALPODAUTOSCALERS);
    expect(lookupResourceVersion('autoscaling', 'v3', 'horizontalpodautoscalers')).toBeUndefined();
  });

  test('api - events are served by core/v1 and events.k8s.io/v1 with the same kind', () => {
    expect(lookupKind('', 'Event')?.group).toBe('');
    expect(lookupKind('events.k8s.io', 'Event')?.group).toBe('events.k8s.io');
  });
});
