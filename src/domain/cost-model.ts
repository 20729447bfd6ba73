import { z } from 'zod';

/** How a campaign's cost accrues: per click, per thousand impressions, per conversion, share of revenue, or not at all. */
export const COST_MODELS = ['cpc', 'cpm', 'cpa', 'revshare', 'none'] as const;
export const costModelSchema = z.enum(COST_MODELS);
export type CostModel = z.infer<typeof costModelSchema>;
