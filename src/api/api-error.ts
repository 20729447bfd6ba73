/**
 * Errors the admin API answers with. Each has a code a client can branch on; the status comes from
 * the code, so a route never picks a status by hand.
 */
const STATUS_BY_CODE = {
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
} as const;

export type ApiErrorCode = keyof typeof STATUS_BY_CODE;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function statusOf(code: ApiErrorCode): number {
  return STATUS_BY_CODE[code];
}

/** `['funnel', 'paths', 0, 'offerId']` → `funnel.paths[0].offerId`, the form error bodies name fields in. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number' || /^\d+$/.test(part)) return `${out}[${part}]`;
    return out ? `${out}.${part}` : part;
  }, '');
}
