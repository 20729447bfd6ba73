/** A parsed query string: a repeated name gives an array, in order. */
export type Query = Record<string, string | string[]>;

const PLUS = /\+/g;

/**
 * The query of a URL (the text after `?`) read the way fastify's router reads it, so a click answered
 * by the click listener records the same values as one answered by fastify's route: `+` is a space,
 * a value that is not valid percent-encoding (`%FF`, `%zz`) is kept as sent rather than refused, a
 * name without `=` has the value ''.
 */
export function parseQuery(text: string): Query {
  const query: Query = Object.create(null);
  if (text === '') return query;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const equals = text.indexOf('=', start);
      const hasValue = equals !== -1 && equals < end;
      const name = decode(text.slice(start, hasValue ? equals : end));
      const value = hasValue ? decode(text.slice(equals + 1, end)) : '';
      const previous = query[name];
      if (previous === undefined) query[name] = value;
      else if (typeof previous === 'string') query[name] = [previous, value];
      else previous.push(value);
    }
    start = end + 1;
  }
  return query;
}

function decode(text: string): string {
  const spaced = text.includes('+') ? text.replace(PLUS, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
