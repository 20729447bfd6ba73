import type { Conversion } from '../domain/conversion.js';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { Micros } from '../domain/money.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore } from '../store/entity-store.js';
import type { ConversionDeps } from './record-postback.js';

export interface ConversionChanges {
  status?: ConversionStatus | undefined;
  /** In `currency`, or in the account currency when no currency is given. */
  payout?: Micros | undefined;
  currency?: string | undefined;
}

/**
 * A person (or their script) corrects a conversion: a new status, or a payout the network revised.
 * The payout is kept as given and converted into the account currency with the stored rate.
 */
export async function updateConversion(deps: Pick<ConversionDeps, 'store' | 'currency' | 'onConversion'> & Partial<Pick<ConversionDeps, 'caps'>>, id: number, changes: ConversionChanges): Promise<Conversion> {
  if (changes.currency !== undefined && changes.payout === undefined) {
    throw new UseCaseError('validation_error', 'currency only says what a payout is in; give payout with it', 'currency');
  }
  if (changes.status === undefined && changes.payout === undefined) {
    throw new UseCaseError('validation_error', 'nothing to change: give status and/or payout', 'body');
  }
  if (changes.payout !== undefined && changes.payout < 0) throw new UseCaseError('validation_error', 'payout must not be negative', 'payout');
  const existing = await deps.store.conversions.get(id);
  if (!existing) throw new UseCaseError('not_found', `conversion ${id} does not exist`, 'id');

  const update: Parameters<EntityStore['conversions']['update']>[1] = {};
  if (changes.status !== undefined) update.status = changes.status;
  if (changes.payout !== undefined) {
    const currency = changes.currency ?? deps.currency.accountCurrency;
    const payout = await deps.currency.toAccount(changes.payout, currency);
    if (payout === undefined) throw new UseCaseError('validation_error', `no exchange rate stored for ${currency}; add it under currency rates`, 'currency');
    Object.assign(update, { payout, originalPayout: changes.payout, originalCurrency: currency });
  }
  const updated = await deps.store.conversions.update(id, update);
  if (!updated) throw new UseCaseError('not_found', `conversion ${id} does not exist`, 'id');
  // An approved-type or payout cap counts what the conversion is now (pending → approved counts then).
  if (existing.offerId !== null) deps.caps?.changeConversion(existing.offerId, existing.convertedAt, existing, updated);
  // Like a postback that changes a conversion, a correction reaches the traffic channel (pending → approved).
  if (updated.status !== existing.status || updated.payout !== existing.payout) await deps.onConversion?.(updated, 'edited');
  return updated;
}
