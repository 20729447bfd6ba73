/**
 * TUNE reads its parameters the way PHP parses a query string: `fields[]=a&fields[]=b`,
 * `filters[Stat.date][conditional]=BETWEEN&filters[Stat.date][values][]=2024-05-01`. A nested
 * object becomes bracketed keys; an array becomes `[]` repeats.
 */
export type PhpParam = string | number | readonly PhpParam[] | { readonly [key: string]: PhpParam };

export function appendPhpParams(target: URLSearchParams, params: Record<string, PhpParam | undefined>): void {
  for (const [key, value] of Object.entries(params)) if (value !== undefined) append(target, key, value);
}

function append(target: URLSearchParams, key: string, value: PhpParam): void {
  if (typeof value === 'string' || typeof value === 'number') {
    target.append(key, String(value));
  } else if (Array.isArray(value)) {
    for (const item of value as readonly PhpParam[]) append(target, `${key}[]`, item);
  } else {
    for (const [inner, item] of Object.entries(value)) append(target, `${key}[${inner}]`, item);
  }
}
