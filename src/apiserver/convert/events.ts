/**
 * events.k8s.io/v1 Events are stored as core/v1 Events (one storage, as upstream: both REST
 * endpoints share `/registry/events/`). These converters are pkg/apis/events/v1's conversions:
 * regarding ↔ involvedObject, note ↔ message, reportingController ↔ reportingComponent,
 * deprecatedSource/FirstTimestamp/LastTimestamp/Count ↔ source/firstTimestamp/lastTimestamp/count.
 */
import type { KObject } from '../../api/types.js';

/** RENAMES pairs an events.k8s.io/v1 field with its core/v1 field. */
const RENAMES: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KObject, from: 0 | 1, apiVersion: string): KObject {
  const to = from === 0 ? 1 : 0;
  const out: KObject = { ...obj, apiVersion, kind: 'Event' };
  for (const pair of RENAMES) {
    const v = obj[pair[from]];
    delete out[pair[from]];
    if (v !== undefined) out[pair[to]] = v;
  }
  return out;
}

/** eventV1ToCore converts an events.k8s.io/v1 Event to the stored core/v1 form. */
export function eventV1ToCore(obj: KObject): KObject {
  return rename(obj, 0, 'v1');
}

/** coreToEventV1 converts a stored core/v1 Event to its events.k8s.io/v1 form. */
export function coreToEventV1(obj: KObject): KObject {
  return rename(obj, 1, 'events.k8s.io/v1');
}
