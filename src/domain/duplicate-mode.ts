import { z } from 'zod';

/** What a second postback for the same click and conversion type does (DESIGN.md §4). */
export const DUPLICATE_MODES = [
  'create_new',
  'create_new_marked',
  'ignore',
  'edit',
  'increment_payout',
  'ignore_by_event_id',
] as const;
export const duplicateModeSchema = z.enum(DUPLICATE_MODES);
export type DuplicateMode = z.infer<typeof duplicateModeSchema>;
