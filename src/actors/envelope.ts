/**
 * The runtime's one envelope type. Data envelopes are compact arrays so that a batch of them
 * packs into few bytes with msgpackr; control envelopes travel only on the main ⇄ worker port.
 *
 *   TELL   [0, to, msg]
 *   ASK    [1, to, msg, askId, replyHost]
 *
 * `to` is the receiver's index in the routing table, not its id string: every host holds the
 * same table in the same order, so an index names the same actor everywhere, costs 1–3 bytes
 * on the wire instead of the id's length, and lets the receiving host find the actor by array
 * index instead of a string-keyed map lookup.
 *   REPLY  [2, askId, value]
 *   ERROR  [3, askId, SerializedError]
 *   FAULT  [4, LinkFault | null]       main → host, alone in its batch: chaos on the host's
 *                                      inbound links (delay/drop), null lifts it
 *
 * Control (structured clone, because PEER_UP transfers a MessagePort):
 *
 *   START     [10]                      main → worker: wiring done, start the actors
 *   READY     [11]                      worker → main: every actor's started() resolved
 *   PEER_UP   [12, hostName, port?]     main → worker: a link to that host exists now
 *   PEER_DOWN [13, hostName, reason]    main → worker: that host is gone (reject, fire monitors)
 *   STOP      [14]                      main → worker: run stopped() hooks, then say EXIT
 *   EXIT      [15, SerializedError?]    worker → main: clean stop done, or the crash reason
 */
import type { DownReason } from './types.js';
import type { SerializedError } from './errors.js';

/** TELL tags a fire-and-forget message. */
export const TELL = 0;
/** ASK tags a request that expects a REPLY or ERROR on the asker's host. */
export const ASK = 1;
/** REPLY tags a successful answer to an ask. */
export const REPLY = 2;
/** ERROR tags a failed answer to an ask (the receiver threw). */
export const ERROR = 3;

/** FAULT tags a chaos control batch (main → host), see the module comment. */
export const FAULT = 4;

/** ActorIndex is an actor's position in the routing table (see the module comment). */
export type ActorIndex = number;
/** Batch is a flat run of envelopes (see the module comment). */
export type Batch = unknown[];

/** TellEnvelope: [TELL, to, n, ...msgs] (n messages). */
export type TellEnvelope = [typeof TELL, ActorIndex, number, ...unknown[]];
/** AskEnvelope: [ASK, to, msg, askId, replyHost]. */
export type AskEnvelope = [typeof ASK, ActorIndex, unknown, number, string];
/** ReplyEnvelope: [REPLY, askId, value]. */
export type ReplyEnvelope = [typeof REPLY, number, unknown];
/** ErrorEnvelope: [ERROR, askId, error]. */
export type ErrorEnvelope = [typeof ERROR, number, SerializedError];
/** Envelope is any data-path envelope. */
export type Envelope = TellEnvelope | AskEnvelope | ReplyEnvelope | ErrorEnvelope;

/** START: main → worker, links are wired, start the actors. */
export const C_START = 10;
/** READY: worker → main, every actor started. */
export const C_READY = 11;
/** PEER_UP: main → worker, a link to a host. */
export const C_PEER_UP = 12;
/** PEER_DOWN: main → worker, a host went away. */
export const C_PEER_DOWN = 13;
/** STOP: main → worker, stop cleanly. */
export const C_STOP = 14;
/** EXIT: worker → main, stopped cleanly (no error) or crashing (with error). */
export const C_EXIT = 15;

/** PeerDownReason says why a link went away; it becomes the monitors' DownReason. */
export type PeerDownReason = Extract<DownReason, 'worker-exit' | 'stopped'>;

/** ControlMessage is a control envelope on the main ⇄ worker port. */
export type ControlMessage =
  | [typeof C_START]
  | [typeof C_READY]
  | [typeof C_PEER_UP, string, unknown]
  | [typeof C_PEER_DOWN, string, PeerDownReason]
  | [typeof C_STOP]
  | [typeof C_EXIT, SerializedError | null];

/** MAIN_HOST is the name of the main thread's host (the `$main` client of the runtime). */
export const MAIN_HOST = '$main';
