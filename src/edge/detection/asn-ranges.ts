import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

/** One autonomous system, as a range table or an MMDB ASN database reports it. */
export interface AsnRecord {
  readonly asn: number;
  readonly organization: string;
}

/**
 * An IP → ASN table read from ip-location-db's ASN CSV files
 * (`start,end,autonomous_system_number,autonomous_system_organization`, inclusive ranges, sorted).
 * The registry publishes this data only as CSV, so it is loaded into sorted typed arrays and
 * binary-searched; addresses may be dotted/colon text or the `-num` decimal form.
 */
export interface AsnRanges {
  readonly rangeCount: number;
  lookup(ip: string): AsnRecord | null;
}

export function loadAsnRanges(paths: readonly string[]): AsnRanges {
  const v4: V4Table[] = [];
  const v6: V6Table[] = [];
  const organizations = new OrganizationNames();
  for (const path of paths) {
    const parsed = parseAsnCsv(readFileSync(path), path, organizations);
    if (parsed.family === 4) v4.push(parsed.table);
    else v6.push(parsed.table);
  }
  const names = organizations.names;
  const rangeCount = [...v4, ...v6].reduce((sum, table) => sum + table.asns.length, 0);

  return {
    rangeCount,
    lookup(ip: string): AsnRecord | null {
      if (isIPv4(ip)) {
        const value = ipv4ToNumber(ip);
        for (const table of v4) {
          const row = findV4(table, value);
          if (row !== -1) return { asn: table.asns[row]!, organization: names[table.organizations[row]!]! };
        }
        return null;
      }
      const pair = ipv6ToPair(ip);
      if (pair === null) return null;
      for (const table of v6) {
        const row = findV6(table, pair[0], pair[1]);
        if (row !== -1) return { asn: table.asns[row]!, organization: names[table.organizations[row]!]! };
      }
      return null;
    },
  };
}

interface V4Table {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  organizations: Uint32Array;
}

interface V6Table {
  startHi: BigUint64Array;
  startLo: BigUint64Array;
  endHi: BigUint64Array;
  endLo: BigUint64Array;
  asns: Uint32Array;
  organizations: Uint32Array;
}

type ParsedCsv = { family: 4; table: V4Table } | { family: 6; table: V6Table };

// Hundreds of thousands of ranges share a few tens of thousands of organisation names.
class OrganizationNames {
  readonly names: string[] = [];
  readonly #index = new Map<string, number>();

  intern(name: string): number {
    let index = this.#index.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.#index.set(name, index);
    }
    return index;
  }
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const MASK_64 = (1n << 64n) - 1n;

function parseAsnCsv(buffer: Buffer, path: string, organizations: OrganizationNames): ParsedCsv {
  let lineCount = 0;
  for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, i + 1)) lineCount++;
  if (buffer.length > 0 && buffer[buffer.length - 1] !== NEWLINE) lineCount++;

  const firstComma = buffer.indexOf(COMMA);
  if (firstComma === -1) throw new Error(`ASN database ${path} is not an ip-location-db ASN CSV file`);
  const first = buffer.toString('latin1', 0, firstComma);
  const family: 4 | 6 = first.includes(':') ? 6 : first.includes('.') ? 4 : BigInt(first) > 0xffffffffn ? 6 : 4;
  const textual = first.includes(':') || first.includes('.');

  const asns = new Uint32Array(lineCount);
  const orgs = new Uint32Array(lineCount);
  const starts4 = family === 4 ? new Uint32Array(lineCount) : undefined;
  const ends4 = family === 4 ? new Uint32Array(lineCount) : undefined;
  const startHi = family === 6 ? new BigUint64Array(lineCount) : undefined;
  const startLo = family === 6 ? new BigUint64Array(lineCount) : undefined;
  const endHi = family === 6 ? new BigUint64Array(lineCount) : undefined;
  const endLo = family === 6 ? new BigUint64Array(lineCount) : undefined;

  let rows = 0;
  let pos = 0;
  while (pos < buffer.length) {
    let eol = buffer.indexOf(NEWLINE, pos);
    if (eol === -1) eol = buffer.length;
    const c1 = buffer.indexOf(COMMA, pos);
    const c2 = c1 === -1 ? -1 : buffer.indexOf(COMMA, c1 + 1);
    const c3 = c2 === -1 ? -1 : buffer.indexOf(COMMA, c2 + 1);
    if (c3 === -1 || c3 > eol) {
      if (eol > pos + 1) throw new Error(`ASN database ${path}: malformed line ${rows + 1}`);
      pos = eol + 1;
      continue;
    }
    const startText = buffer.toString('latin1', pos, c1);
    const endText = buffer.toString('latin1', c1 + 1, c2);
    if (starts4 !== undefined && ends4 !== undefined) {
      starts4[rows] = textual ? ipv4ToNumber(startText) : Number(startText);
      ends4[rows] = textual ? ipv4ToNumber(endText) : Number(endText);
    } else if (startHi && startLo && endHi && endLo) {
      const start = textual ? ipv6ToPair(startText) : splitBigInt(BigInt(startText));
      const end = textual ? ipv6ToPair(endText) : splitBigInt(BigInt(endText));
      if (start === null || end === null) throw new Error(`ASN database ${path}: bad address on line ${rows + 1}`);
      startHi[rows] = start[0];
      startLo[rows] = start[1];
      endHi[rows] = end[0];
      endLo[rows] = end[1];
    }
    asns[rows] = Number(buffer.toString('latin1', c2 + 1, c3));
    orgs[rows] = organizations.intern(readField(buffer, c3 + 1, eol));
    rows++;
    pos = eol + 1;
  }

  if (starts4 !== undefined && ends4 !== undefined) {
    return {
      family: 4,
      table: { starts: starts4.subarray(0, rows), ends: ends4.subarray(0, rows), asns: asns.subarray(0, rows), organizations: orgs.subarray(0, rows) },
    };
  }
  return {
    family: 6,
    table: {
      startHi: startHi!.subarray(0, rows),
      startLo: startLo!.subarray(0, rows),
      endHi: endHi!.subarray(0, rows),
      endLo: endLo!.subarray(0, rows),
      asns: asns.subarray(0, rows),
      organizations: orgs.subarray(0, rows),
    },
  };
}

// The last field runs to the end of the line, so commas inside it need no special care.
function readField(buffer: Buffer, start: number, end: number): string {
  if (end > start && buffer[end - 1] === CR) end--;
  if (end - start >= 2 && buffer[start] === QUOTE && buffer[end - 1] === QUOTE) {
    return buffer.toString('utf8', start + 1, end - 1).replaceAll('""', '"');
  }
  return buffer.toString('utf8', start, end);
}

/** Index of the range holding `value`, or -1: the last range starting at or below it, if it reaches it. */
function findV4(table: V4Table, value: number): number {
  let low = 0;
  let high = table.starts.length - 1;
  let candidate = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (table.starts[mid]! <= value) {
      candidate = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return candidate !== -1 && table.ends[candidate]! >= value ? candidate : -1;
}

function findV6(table: V6Table, hi: bigint, lo: bigint): number {
  let low = 0;
  let high = table.startHi.length - 1;
  let candidate = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const startHi = table.startHi[mid]!;
    if (startHi < hi || (startHi === hi && table.startLo[mid]! <= lo)) {
      candidate = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (candidate === -1) return -1;
  const endHi = table.endHi[candidate]!;
  return endHi > hi || (endHi === hi && table.endLo[candidate]! >= lo) ? candidate : -1;
}

function ipv4ToNumber(ip: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const code = ip.charCodeAt(i);
    if (code === 46 /* . */) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (code - 48);
    }
  }
  return value * 256 + octet;
}

function splitBigInt(value: bigint): [bigint, bigint] {
  return [value >> 64n, value & MASK_64];
}

/** An IPv6 address as two 64-bit halves, or null when it does not parse. */
function ipv6ToPair(ip: string): [bigint, bigint] | null {
  const groups: number[] = [];
  const doubleColon = ip.indexOf('::');
  const head = doubleColon === -1 ? ip : ip.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : ip.slice(doubleColon + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const expand = (parts: string[], into: number[]): boolean => {
    for (const part of parts) {
      if (part.includes('.')) {
        if (!isIPv4(part)) return false;
        const v4 = ipv4ToNumber(part);
        into.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        const group = Number.parseInt(part, 16);
        if (!/^[0-9a-fA-F]{1,4}$/.test(part) || Number.isNaN(group)) return false;
        into.push(group);
      }
    }
    return true;
  };
  const tailValues: number[] = [];
  if (!expand(headGroups, groups) || !expand(tailGroups, tailValues)) return null;
  const missing = 8 - groups.length - tailValues.length;
  if (missing < 0 || (doubleColon === -1 && missing !== 0)) return null;
  for (let i = 0; i < missing; i++) groups.push(0);
  groups.push(...tailValues);
  const word = (a: number, b: number): bigint => BigInt(groups[a]! * 65536 + groups[b]!);
  return [(word(0, 1) << 32n) | word(2, 3), (word(4, 5) << 32n) | word(6, 7)];
}
