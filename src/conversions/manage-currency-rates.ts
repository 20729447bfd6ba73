import type { Micros } from '../domain/money.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore } from '../store/entity-store.js';
import type { CurrencyConverter } from './currency-rates.js';

export interface CurrencyRates {
  accountCurrency: string;
  rates: { currency: string; rate: Micros; updatedAt: string }[];
}

export interface CurrencyRateDeps {
  store: EntityStore;
  accountCurrency: string;
  /** The conversion path's converter in this process, told at once so the next postback uses the new rate. */
  converter?: CurrencyConverter | undefined;
}

export async function listCurrencyRates(deps: CurrencyRateDeps): Promise<CurrencyRates> {
  return { accountCurrency: deps.accountCurrency, rates: await deps.store.currencyRates.list() };
}

/** Stores how many units of the account currency one unit of `currency` is worth. */
export async function setCurrencyRate(deps: CurrencyRateDeps, currency: string, rate: Micros): Promise<CurrencyRates['rates'][number]> {
  if (currency === deps.accountCurrency) {
    throw new UseCaseError('validation_error', `${currency} is the account currency; its rate is always 1`, 'currency');
  }
  await deps.store.currencyRates.set(currency, rate);
  deps.converter?.invalidate();
  const stored = (await deps.store.currencyRates.list()).find((entry) => entry.currency === currency)!;
  return stored;
}

export async function deleteCurrencyRate(deps: CurrencyRateDeps, currency: string): Promise<void> {
  if (!(await deps.store.currencyRates.delete(currency))) {
    throw new UseCaseError('not_found', `no rate is stored for ${currency}`, 'currency');
  }
  deps.converter?.invalidate();
}
