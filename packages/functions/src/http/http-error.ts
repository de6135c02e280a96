// Client-facing HTTP failures raised by the request parsing layer (415, 413, 400 for bad JSON).
// Domain failures come from core as DomainError and are mapped in error-response.ts.

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}
