/**
 * CSV as spreadsheets and networks export it (RFC 4180): quoted fields may hold the delimiter, line
 * breaks and doubled quotes; lines end in LF or CRLF; a UTF-8 byte-order mark is dropped. The
 * delimiter is the first of comma, semicolon or tab found in the header line (European spreadsheets
 * save with semicolons).
 */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
  }
}

export interface CsvRecord {
  /** Line the record starts on, 1-based (the header is line 1). */
  line: number;
  cells: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(input);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedCell = false;

  const endCell = () => {
    cells.push(cell);
    cell = '';
    quotedCell = false;
  };
  const endRecord = () => {
    endCell();
    // Blank lines (a trailing newline, spacing in a hand-written file) are not records.
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
  };

  while (i < input.length) {
    const char = input[i]!;
    if (char === '"' && cell === '' && !quotedCell) {
      // A quoted field: up to the closing quote; "" is a literal quote.
      const start = line;
      i += 1;
      for (;;) {
        if (i >= input.length) throw new CsvSyntaxError('a quoted value is never closed', start);
        const c = input[i]!;
        if (c === '"') {
          if (input[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === '\n') line += 1;
        cell += c;
        i += 1;
      }
      quotedCell = true;
      const next = input[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError('text after a closing quote; double quotes inside a quoted value ("")', line);
      }
      continue;
    }
    if (char === delimiter) {
      endCell();
      i += 1;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      if (quotedCell) throw new CsvSyntaxError('text after a closing quote', line);
      cell += char;
      i += 1;
    }
  }
  if (cell !== '' || cells.length || quotedCell) endRecord();
  return records;
}

function detectDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const header = end === -1 ? text : text.slice(0, end);
  for (const candidate of [',', ';', '\t']) if (header.includes(candidate)) return candidate;
  return ',';
}

/**
 * One CSV line (RFC 4180, CRLF-terminated) from cells. Text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, or a tab or carriage return some strip first) is prefixed with a
 * single quote, so a sub id like `=HYPERLINK(…)` from a visitor's URL stays text; numbers are written
 * as numbers (a negative profit is not a formula). Null is an empty cell.
 */
export function formatCsvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(formatCsvCell).join(',')}\r\n`;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function formatCsvCell(cell: string | number | null): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
