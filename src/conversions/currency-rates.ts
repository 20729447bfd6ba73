import type { Micros } from '../domain/money.js';
import type { EntityStore } from '../store/entity-store.js';

const REFRESH_MS = 5_000;

/**
 * Converts payouts to the account currency with the rates the user stored (there is no live rate
 * feed). Rates are cached for a few seconds so a burst of postbacks reads them once.
 */
export class CurrencyConverter {
  private rates = new Map<string, Micros>();
  private loadedAt = -Infinity;

  constructor(
    private readonly store: EntityStore,
    readonly accountCurrency: string,
  ) {}

  /** The amount in the account currency, or undefined when no rate is stored for `currency`. */
  async toAccount(amount: Micros, currency: string): Promise<Micros | undefined> {
    if (currency === this.accountCurrency) return amount;
    if (Date.now() - this.loadedAt > REFRESH_MS) {
      this.rates = await this.store.currencyRates.all();
      this.loadedAt = Date.now();
    }
    const rate = this.rates.get(currency);
    return rate === undefined ? undefined : Math.round((amount * rate) / 1_000_000);
  }

  invalidate(): void {
    this.loadedAt = -Infinity;
  }
}
