import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { fieldPath } from '../domain/use-case-error.js';
import { channelTemplateSchema, type ChannelTemplate } from './channel-template.js';
import { offerSourceTemplateSchema, type OfferSourceTemplate } from './offer-source-template.js';

/**
 * The template catalogue: one JSON file per partner under `templates/traffic-channels/` and
 * `templates/offer-sources/` at the repository root, so a contributor adds a partner without touching
 * code. Every file is checked when the catalogue loads; a broken one stops start-up with a message
 * naming the file and field, rather than surfacing when a user picks it.
 */

// `src/templates/` in development and `dist/templates/` once built both sit two levels below the root.
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface TemplateCatalogue {
  trafficChannels: ReadonlyMap<string, ChannelTemplate>;
  offerSources: ReadonlyMap<string, OfferSourceTemplate>;
}

export class TemplateFileError extends Error {
  override name = 'TemplateFileError';
}

export function loadTemplateCatalogue(dir: string = TEMPLATES_DIR): TemplateCatalogue {
  return {
    trafficChannels: loadKind(join(dir, 'traffic-channels'), channelTemplateSchema),
    offerSources: loadKind(join(dir, 'offer-sources'), offerSourceTemplateSchema),
  };
}

let defaultCatalogue: TemplateCatalogue | undefined;

/** The catalogue of the repository's `templates/` folder, read once per process. */
export function templateCatalogue(): TemplateCatalogue {
  return (defaultCatalogue ??= loadTemplateCatalogue());
}

/** One template file checked against its schema; the key must match the file name. */
export function parseTemplateFile<T extends { key: string }>(file: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TemplateFileError(`template ${file}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldPath(issue.path as (string | number)[]) || '(file)'}: ${issue.message}`);
    throw new TemplateFileError(`template ${file} is invalid — ${problems.join('; ')}`);
  }
  const expectedKey = file.split(/[\\/]/).pop()!.replace(/\.json$/, '');
  if (parsed.data.key !== expectedKey) throw new TemplateFileError(`template ${file}: key "${parsed.data.key}" must match the file name "${expectedKey}"`);
  return parsed.data;
}

function loadKind<T extends { key: string; name: string }>(dir: string, schema: z.ZodType<T>): ReadonlyMap<string, T> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new TemplateFileError(`template folder ${dir} cannot be read (${(error as Error).message}); it ships with Waypost next to dist/`);
  }
  const files = names.filter((name) => name.endsWith('.json')).sort();
  const templates = files.map((name) => parseTemplateFile(join(dir, name), schema));
  // Listed by name, as a person scans the catalogue.
  templates.sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return new Map(templates.map((template) => [template.key, template]));
}
