import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, emptyMeasures, sumMeasures, type BaseMeasures } from './report-metrics.js';

const measures: BaseMeasures = {
  impressions: 1_000,
  clicks: 40,
  uniqueClicks: 30,
  landerClicks: 10,
  botClicks: 3,
  blockedClicks: 2,
  cost: 20_000_000, // 20.00
  conversions: [
    { type: null, status: 'approved', count: 2, revenue: 10_000_000 },
    { type: null, status: 'pending', count: 1, revenue: 5_000_000 },
    { type: null, status: 'declined', count: 4, revenue: 40_000_000 },
    { type: 'Purchase', status: 'other', count: 1, revenue: 15_000_000 },
    { type: 'Purchase', status: 'declined', count: 1, revenue: 7_000_000 },
    { type: 'Lead', status: 'approved', count: 2, revenue: 0 },
  ],
};

test('every metric of a group, with declined conversions only in their own column', () => {
  const metrics = computeMetrics(measures, ['Lead', 'Purchase', 'Upsell']);
  // conversions = 2 approved + 1 pending + 1 Purchase other + 2 Lead approved = 6 (5 declined left out)
  // revenue = 10 + 5 + 15 + 0 = 30.00; profit = 30 - 20 = 10.00
  assert.deepEqual(metrics, {
    impressions: 1_000,
    clicks: 40,
    uniqueClicks: 30,
    landerClicks: 10,
    ctr: 10 / 40,
    conversions: 6,
    approved: 4, // 2 plain + 2 Lead
    pending: 1,
    declined: 5, // 4 plain + 1 Purchase
    other: 1,
    conversionsByType: { Lead: 2, Purchase: 1, Upsell: 0 },
    revenue: 30_000_000,
    revenueByType: { Lead: 0, Purchase: 15_000_000, Upsell: 0 },
    cost: 20_000_000,
    profit: 10_000_000,
    roi: 10 / 20,
    cr: 6 / 40,
    epc: 750_000, // 30.00 / 40
    cpa: 3_333_333, // 20.00 / 6 = 3.3333333 → rounded to the micro-unit
    cpc: 500_000, // 20.00 / 40
    botClicks: 3,
    blockedClicks: 2,
  });
});

test('a ratio over zero is null, never NaN or Infinity', () => {
  const metrics = computeMetrics(emptyMeasures(), []);
  assert.equal(metrics.ctr, null);
  assert.equal(metrics.cr, null);
  assert.equal(metrics.roi, null);
  assert.equal(metrics.epc, null);
  assert.equal(metrics.cpa, null);
  assert.equal(metrics.cpc, null);
  assert.equal(metrics.profit, 0);

  // Revenue without cost or clicks (a conversion counted at postback time, its click outside the range).
  const conversionsOnly = computeMetrics({ ...emptyMeasures(), conversions: [{ type: null, status: 'approved', count: 1, revenue: 2_000_000 }] }, []);
  assert.equal(conversionsOnly.roi, null);
  assert.equal(conversionsOnly.cr, null);
  assert.equal(conversionsOnly.cpa, 0); // no cost over one conversion
  assert.equal(conversionsOnly.profit, 2_000_000);
});

test('a loss gives a negative ROI and per-unit amounts round half away from zero', () => {
  const metrics = computeMetrics({ ...emptyMeasures(), clicks: 4, cost: 10, conversions: [{ type: null, status: 'approved', count: 4, revenue: 2 }] }, []);
  assert.equal(metrics.profit, -8);
  assert.equal(metrics.roi, -0.8);
  assert.equal(metrics.cpc, 3); // 2.5 micro-units → 3
  assert.equal(metrics.epc, 1); // 0.5 → 1
});

test('a type seen in the data but not asked for still counts in the totals', () => {
  const metrics = computeMetrics(measures, ['Purchase']);
  assert.deepEqual(metrics.conversionsByType, { Purchase: 1 });
  assert.equal(metrics.conversions, 6);
});

test('totals add the groups measure by measure', () => {
  const total = sumMeasures([measures, { ...emptyMeasures(), clicks: 10, cost: 5_000_000, conversions: [{ type: 'Lead', status: 'pending', count: 1, revenue: 1_000_000 }] }]);
  assert.equal(total.clicks, 50);
  assert.equal(total.cost, 25_000_000);
  const metrics = computeMetrics(total, ['Lead']);
  assert.equal(metrics.conversions, 7);
  assert.deepEqual(metrics.conversionsByType, { Lead: 3 });
  assert.equal(metrics.revenue, 31_000_000);
});

test('a conversion type named like a built-in property is a column like any other', () => {
  const metrics = computeMetrics({ ...emptyMeasures(), conversions: [{ type: 'constructor', status: 'approved', count: 2, revenue: 4 }, { type: '__proto__', status: 'other', count: 1, revenue: 1 }] }, ['__proto__', 'constructor']);
  assert.equal(metrics.conversionsByType['constructor'], 2);
  assert.equal(metrics.conversionsByType['__proto__'], 1);
  assert.deepEqual(Object.keys(metrics.revenueByType), ['__proto__', 'constructor']);
});
