import { closeSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A segment is closed and a new one begun past this size; closed segments are deleted once stored. */
const SEGMENT_BYTES = 64 * 1024 * 1024;

/** Where this spool's appends have reached: a segment and a byte offset in it. */
export interface SpoolPosition {
  segment: string;
  bytes: number;
}

/**
 * The edge's durable local buffer (DESIGN.md §5): each group of clicks and impressions is appended to
 * a file with one write, and acknowledged as soon as that write returns, since a killed process loses
 * nothing the kernel already holds. The writer thread stores the spooled lines in the event database
 * afterwards, in transactions as large as the backlog (spool-ingestion.ts), so neither the commit's
 * syscalls nor a busy database hold up a visitor.
 *
 * Lines are newline-terminated; a line cut short by a crash was never acknowledged, and ingestion
 * skips it. Segments are named `<time>-<pid>-<n>.spool`: each spool writes only its own, so two stores
 * on one file, or a leftover of a killed process, never share a segment.
 */
export class ClickSpool {
  private fd: number | undefined;
  private segmentName = '';
  private bytes = 0;
  private sequence = 0;
  /** Segments closed and not yet deleted, oldest first, with their length. */
  private readonly closed: { name: string; bytes: number }[] = [];
  private readonly prefix = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    readonly directory: string,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {}

  /** Appends complete lines (each ending in `\n`) with one write; throws if the disk refuses them. */
  append(lines: string): void {
    if (this.fd === undefined || this.bytes >= this.segmentBytes) this.rotate();
    const bytes = Buffer.byteLength(lines);
    const written = writeSync(this.fd!, lines);
    // A regular file takes a whole write unless the disk is full, which throws; this is for the rest.
    if (written < bytes) {
      const rest = Buffer.from(lines).subarray(written);
      for (let at = 0; at < rest.length; ) at += writeSync(this.fd!, rest, at, rest.length - at);
    }
    this.bytes += bytes;
  }

  /** The end of what has been appended; undefined before the first append. */
  position(): SpoolPosition | undefined {
    return this.fd === undefined ? undefined : { segment: this.segmentName, bytes: this.bytes };
  }

  /** This spool's segments, oldest first, each with whether it is closed (no more appends) and its length. */
  segments(): { name: string; closed: boolean; bytes: number }[] {
    const open = this.fd === undefined ? [] : [{ name: this.segmentName, closed: false, bytes: this.bytes }];
    return [...this.closed.map((segment) => ({ ...segment, closed: true })), ...open];
  }

  /** A closed segment was stored in full and deleted. */
  forget(name: string): void {
    const at = this.closed.findIndex((segment) => segment.name === name);
    if (at >= 0) this.closed.splice(at, 1);
  }

  /** Segments in the directory that are not this spool's: a killed process's, or another store's. */
  othersSegments(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return [];
    }
    const own = new Set(this.segments().map((segment) => segment.name));
    return names.filter((name) => name.endsWith('.spool') && !own.has(name)).sort();
  }

  /** No more appends: the open segment is closed too. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.closed.push({ name: this.segmentName, bytes: this.bytes });
    this.fd = undefined;
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.closed.push({ name: this.segmentName, bytes: this.bytes });
    }
    mkdirSync(this.directory, { recursive: true });
    this.segmentName = `${this.prefix}-${String(this.sequence++).padStart(6, '0')}.spool`;
    this.fd = openSync(join(this.directory, this.segmentName), 'a');
    this.bytes = 0;
  }
}

/** The pid a segment's name carries, to tell a live owner's segment from a killed process's. */
export function segmentOwner(name: string): number {
  return Number(name.split('-')[1]);
}
