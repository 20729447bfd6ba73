/**
 * What a use case refuses with: a code the caller can branch on, a message for a person, and the field
 * at fault when there is one. It carries no HTTP status: the admin API maps codes to statuses (its
 * ApiError extends this class), and the worker reads the code itself (a `conflict` there means "skip").
 */
export type UseCaseErrorCode = 'validation_error' | 'not_found' | 'conflict' | 'unavailable';

/**
 * `Code` widens only for the admin API's own error (ApiError), which adds HTTP-only codes. NoInfer keeps
 * `new UseCaseError('typo', ...)` from inventing a code: it must be a UseCaseErrorCode.
 */
export class UseCaseError<Code extends string = UseCaseErrorCode> extends Error {
  override name = 'UseCaseError';
  constructor(
    readonly code: NoInfer<Code>,
    message: string,
    /** The dotted field path at fault, e.g. `funnel.paths[0].offerId` (see fieldPath). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** `['funnel', 'paths', 0, 'offerId']` → `funnel.paths[0].offerId`, the form error bodies name fields in. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number' || /^\d+$/.test(part)) return `${out}[${part}]`;
    return out ? `${out}.${part}` : part;
  }, '');
}
