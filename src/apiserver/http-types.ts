/**
 * The HTTP seam: a transport-neutral request and response writer, so the same handler serves
 * node:http sockets and inject() (no socket, for tests).
 */

/** HttpHeaders as node:http gives them (lower-case names). */
export type HttpHeaders = Record<string, string | string[] | undefined>;

/** HttpRequestLike is one request with its body already read (bounded by the body limit). */
export interface HttpRequestLike {
  method: string;
  url: string;
  headers: HttpHeaders;
  body: Buffer;
  /** bodyTooLarge is set when the transport stopped reading at the limit. */
  bodyTooLarge?: boolean;
}

/**
 * ResponseWriter streams one response. head() once, then any number of write(), then end().
 * onClose fires once if the client goes away first (or after end()).
 */
export interface ResponseWriter {
  head(statusCode: number, headers: Record<string, string>): void;
  write(chunk: string): void;
  end(chunk?: string): void;
  onClose(fn: () => void): void;
}

/** InjectRequest is what tests pass to inject(): payload may be a string, bytes or a JSON value. */
export interface InjectRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Uint8Array | object;
  /** onChunk sees each streamed chunk as it is written (watch tests). */
  onChunk?: (chunk: string) => void;
  /** signal aborts a streaming request like a client disconnect. */
  signal?: AbortSignal;
}

/** InjectResponse is the complete response of an injected request. */
export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** json parses body. */
  json<T = unknown>(): T;
}

/** DEFAULT_MAX_BODY_BYTES is kube-apiserver's request body limit (3 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
