import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteCurrencyRate, listCurrencyRates, setCurrencyRate, type CurrencyRateDeps } from '../../conversions/manage-currency-rates.js';
import { formatMoney, moneySchema } from '../../domain/money.js';
import { errorResponses } from '../error-schema.js';
import { security, type AdminRouteDeps } from './route-deps.js';

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const currencyParamsSchema = z.object({
  currency: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => /^[A-Z]{3}$/.test(code), 'must be an ISO 4217 code such as EUR')
    .refine((code) => ISO_CURRENCIES.has(code), 'is not an ISO 4217 currency code'),
});

const rateSchema = z
  .object({
    currency: z.string(),
    rate: z.number().describe('units of the account currency per one unit of this currency'),
    updatedAt: z.string(),
  })
  .meta({ id: 'CurrencyRate' });

const rateBodySchema = z
  .object({
    rate: moneySchema
      .refine((micros) => micros > 0, 'must be greater than 0')
      .describe('units of the account currency per one unit of this currency, e.g. "1.0834" for EUR in a USD account; at most 6 decimals'),
  })
  .strict();

const tags = ['currency rates'];
const present = (rate: { currency: string; rate: number; updatedAt: string }) => ({ ...rate, rate: formatMoney(rate.rate) });

/**
 * Exchange rates into the account currency, which payouts in other currencies are converted with at
 * attribution. A change reaches this process's conversion path at once.
 */
export function currencyRateRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const rateDeps: CurrencyRateDeps = { store: deps.store, accountCurrency: deps.config.accountCurrency, converter: deps.conversions?.currency };

  routes.get('/currency-rates', {
    schema: {
      tags,
      security,
      summary: 'List the stored exchange rates',
      response: { 200: z.object({ accountCurrency: z.string(), items: z.array(rateSchema) }), ...errorResponses },
    },
    handler: async () => {
      const { accountCurrency, rates } = await listCurrencyRates(rateDeps);
      return { accountCurrency, items: rates.map(present) };
    },
  });

  routes.put('/currency-rates/:currency', {
    schema: {
      tags,
      security,
      summary: 'Set the rate of a currency (units of the account currency per one unit)',
      params: currencyParamsSchema,
      body: rateBodySchema,
      response: { 200: rateSchema, ...errorResponses },
    },
    handler: async (request) => present(await setCurrencyRate(rateDeps, request.params.currency, request.body.rate)),
  });

  routes.delete('/currency-rates/:currency', {
    schema: {
      tags,
      security,
      summary: 'Delete the rate of a currency; payouts in it are then rejected until a rate is set again',
      params: currencyParamsSchema,
      response: { 204: z.null().describe('deleted'), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteCurrencyRate(rateDeps, request.params.currency);
      return reply.status(204).send(null);
    },
  });
}
