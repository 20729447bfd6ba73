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
    return convert(amount, (await this.currentRates()).get(currency));
  }

  /** A synchronous converter over the rates stored now, for work converting many amounts at once (an offer import). */
  async converter(): Promise<(amount: Micros, currency: string) => Micros | undefined> {
    const rates = await this.currentRates();
    return (amount, currency) => (currency === this.accountCurrency ? amount : convert(amount, rates.get(currency)));
  }

  private async currentRates(): Promise<Map<string, Micros>> {
    if (Date.now() - this.loadedAt > REFRESH_MS) {
      this.rates = await this.store.currencyRates.all();
      this.loadedAt = Date.now();
    }
    return this.rates;
  }

  invalidate(): void {
    this.loadedAt = -Infinity;
  }
}

function convert(amount: Micros, rate: Micros | undefined): Micros | undefined {
  return rate === undefined ? undefined : Math.round((amount * rate) / 1_000_000);
}
