import type { ConversionFactsWatermark } from './report-facts.js';

/** Conversions read in one go; each page is written with the watermark it reaches. */
export const CONVERSION_COPY_PAGE = 1_000;
// A conversion's updated_at is taken before its transaction commits, so a change may become visible
// after a later one was copied; changes this recent are read again (the copy is an upsert). Commits
// land milliseconds after their time is taken; a longer window only copies every new conversion again.
const LOOKBACK_MS = 5_000;

/** How one copier reads pages of conversions and writes them as facts. */
export interface ConversionPages<Page> {
  /** Conversions with an id above `id`, in id order. */
  afterId(id: number, limit: number): Promise<Page>;
  /**
   * Conversions changed since they were stored, after `cursor`, in (updatedAt, id) order: a change
   * sets the conversion's change time and its updatedAt alike, and a conversion never changed is not
   * among them (afterId brings it).
   */
  changedSince(cursor: { updatedAt: number; id: number }, limit: number): Promise<Page>;
  size(page: Page): number;
  last(page: Page): { id: number; updatedAt: number };
  /** Writes the page's facts and the watermark in one transaction. */
  write(page: Page, watermark: ConversionFactsWatermark): Promise<void>;
}

/**
 * Copies what changed since the watermark: new conversions by id, whatever their time says, then
 * changes in (updatedAt, id) order, the last LOOKBACK_MS again for changes committed out of order.
 * Shared by the copy through the ports and an adapter's bulk copy, so both move the watermark alike.
 */
export async function copyChangedConversions<Page>(pages: ConversionPages<Page>, from: ConversionFactsWatermark | null, now: number): Promise<void> {
  let watermark: ConversionFactsWatermark = from ?? { updatedAt: 0, id: 0, maxId: 0 };
  for (;;) {
    const page = await pages.afterId(watermark.maxId, CONVERSION_COPY_PAGE);
    const size = pages.size(page);
    if (!size) break;
    watermark = { ...watermark, maxId: pages.last(page).id };
    await pages.write(page, watermark);
    if (size < CONVERSION_COPY_PAGE) break;
  }
  let cursor = watermark.updatedAt > now - LOOKBACK_MS ? { updatedAt: watermark.updatedAt - LOOKBACK_MS, id: 0 } : watermark;
  for (;;) {
    const page = await pages.changedSince(cursor, CONVERSION_COPY_PAGE);
    const size = pages.size(page);
    if (!size) break;
    const last = pages.last(page);
    cursor = { updatedAt: last.updatedAt, id: last.id };
    const ahead = cursor.updatedAt > watermark.updatedAt || (cursor.updatedAt === watermark.updatedAt && cursor.id > watermark.id);
    if (ahead) watermark = { ...cursor, maxId: watermark.maxId };
    await pages.write(page, watermark);
    if (size < CONVERSION_COPY_PAGE) break;
  }
}
