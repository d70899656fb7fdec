/**
 * The per-resource strategy contract (kube-apiserver's RESTCreateStrategy / RESTUpdateStrategy /
 * ResetFieldsStrategy in one interface). Every method mutates in place or returns causes; none
 * touches storage, so the API server calls them inside guaranteedUpdate without awaiting.
 */
import type { Clock, Rng } from '../../actors/types.js';
import type { KObject, StatusCause } from '../../api/types.js';

/** StrategyContext gives prepareForCreate time and randomness without globals. */
export interface StrategyContext {
  clock: Clock;
  rng: Rng;
}

/**
 * Strategy is what the API server asks of a resource on writes. Order on create:
 * prepareForCreate → validate; on update: resetFieldsFor{Spec,Status}Update → prepareForUpdate →
 * validateUpdate (which includes validate). System metadata (uid, resourceVersion, generation,
 * creationTimestamp, deletionTimestamp) is the API server's job, not the strategy's.
 */
export interface Strategy {
  /** prepareForCreate applies defaults and resets status the way the real registry does. */
  prepareForCreate(obj: KObject, ctx: StrategyContext): void;
  /** prepareForUpdate applies defaults to newObj and carries over fields the server owns (e.g. clusterIP). */
  prepareForUpdate(newObj: KObject, oldObj: KObject): void;
  /** validate returns field causes (422) for a new object; empty when valid. */
  validate(obj: KObject): StatusCause[];
  /** validateUpdate is validate plus immutability rules against oldObj. */
  validateUpdate(newObj: KObject, oldObj: KObject): StatusCause[];
  /** unknownFields lists fields the schema does not know, as `spec.replicaz` / `spec.containers[0].imagez`. */
  unknownFields(obj: KObject): string[];
  /** resetFieldsForStatusUpdate makes a /status write change only status (and what real allows in metadata). */
  resetFieldsForStatusUpdate(newObj: KObject, oldObj: KObject): void;
  /** resetFieldsForSpecUpdate makes a main-resource write keep the old status. */
  resetFieldsForSpecUpdate(newObj: KObject, oldObj: KObject): void;
}
