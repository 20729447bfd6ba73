/**
 * The visitor's preferred language from Accept-Language, as a lowercase two-letter code
 * (`en-US,en;q=0.9` → `en`), or '' when none is given. The highest weight wins; on a tie, the first.
 */
export function primaryLanguage(header: string | readonly string[] | undefined): string {
  const value = typeof header === 'string' ? header : header?.join(',');
  if (value === undefined || value === '') return '';

  let best = '';
  let bestWeight = 0;
  let start = 0;
  while (start < value.length) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    const semicolon = value.indexOf(';', start);
    const tagEnd = semicolon !== -1 && semicolon < end ? semicolon : end;
    const weight = tagEnd === end ? 1 : qualityOf(value.slice(tagEnd + 1, end));
    if (weight > bestWeight) {
      const language = twoLetterPrimary(value, start, tagEnd);
      if (language !== '') {
        // Browsers list the favourite first with an implicit q=1: nothing later can beat it.
        if (weight === 1) return language;
        best = language;
        bestWeight = weight;
      }
    }
    start = end + 1;
  }
  return best;
}

function twoLetterPrimary(value: string, start: number, end: number): string {
  while (start < end && value.charCodeAt(start) === 32) start++;
  const first = value.charCodeAt(start) | 0x20;
  const second = value.charCodeAt(start + 1) | 0x20;
  const after = start + 2 < end ? value.charCodeAt(start + 2) : -1;
  const isLetter = (code: number): boolean => code >= 97 && code <= 122;
  // The primary subtag ends at '-', '_', a space or the end of the tag; 'fil' or '*' do not qualify.
  if (!isLetter(first) || !isLetter(second) || (after !== -1 && after !== 45 && after !== 95 && after !== 32)) return '';
  return String.fromCharCode(first, second);
}

function qualityOf(parameters: string): number {
  const match = /q\s*=\s*([0-9.]+)/i.exec(parameters);
  if (match === null) return 1;
  const weight = Number(match[1]);
  return Number.isFinite(weight) ? Math.min(weight, 1) : 0;
}
