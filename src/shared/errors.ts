/**
 * One error type for the whole server. Each module declares its codes in a catalogue
 * (`x.errors.ts`); the central HTTP handler turns an AppError into
 * `{"error": {"code", "message"}}` with the status the code declares.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

export type ErrorCatalogue = Record<string, ErrorSpec>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;

  /** For 429: how long the client should wait, sent as Retry-After. */
  retryAfterSeconds?: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
  }

  withRetryAfter(seconds: number): this {
    this.retryAfterSeconds = seconds;
    return this;
  }
}

/** Builds `raise.someCode()` helpers from a catalogue, so codes are never typed as loose strings. */
export function defineErrors<C extends ErrorCatalogue>(
  catalogue: C,
): {
  [K in keyof C]: (message?: string) => AppError;
} & { catalogue: C } {
  const raisers = Object.fromEntries(
    Object.entries(catalogue).map(([code, spec]) => [
      code,
      (message?: string) => new AppError(code, spec.status, message ?? spec.message),
    ]),
  );
  return Object.assign(raisers, { catalogue }) as never;
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
