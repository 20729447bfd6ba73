import type { ResourceLimits } from 'node:worker_threads';

/**
 * The store's threads (click writer, rollups, checkpoints) allocate little and keep less: a small
 * young generation keeps each thread's heap, which counts in the process's memory, to a few MB.
 */
export const SMALL_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };
