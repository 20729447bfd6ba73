import { UseCaseError, type UseCaseErrorCode } from '../domain/use-case-error.js';

// API code keeps importing fieldPath from here; it lives beside the use-case error it names fields for.
export { fieldPath } from '../domain/use-case-error.js';

/** Codes only the HTTP layer raises (auth, body limits, rate limits, crashes). */
type HttpOnlyErrorCode = 'unauthorized' | 'forbidden' | 'payload_too_large' | 'unsupported_media_type' | 'rate_limited' | 'internal_error';

export type ApiErrorCode = UseCaseErrorCode | HttpOnlyErrorCode;

/**
 * Errors the admin API answers with. Each has a code a client can branch on; the status comes from
 * the code, so a route never picks a status by hand. Typed as a full record so a new use-case code
 * cannot ship without a status.
 */
const STATUS_BY_CODE: Readonly<Record<ApiErrorCode, number>> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
};

/** A use-case error raised by a route or hook itself, which may also use the HTTP-only codes. */
export class ApiError extends UseCaseError<ApiErrorCode> {
  override name = 'ApiError';

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function statusOf(code: ApiErrorCode): number {
  return STATUS_BY_CODE[code];
}
