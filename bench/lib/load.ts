/** What both load generators send and report, so their runs print alike. */

export interface LoadRequest {
  /** Path and query, e.g. `/c/abc?sub1=zone-7`. */
  path: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  /** Wall time of the measured run, in seconds. */
  seconds: number;
  /** Responses with the expected status (a 302 for the redirect). */
  successes: number;
  /** Successes per second. */
  rate: number;
  /** Every response by status code. */
  statuses: Record<string, number>;
  /** Responses with another status, plus connection errors and timeouts. */
  failures: number;
  connectionErrors: number;
  timeouts: number;
}

export function summarize(seconds: number, statuses: Record<string, number>, expectedStatus: number, connectionErrors: number, timeouts: number): LoadResult {
  const successes = statuses[String(expectedStatus)] ?? 0;
  const otherStatuses = Object.entries(statuses).reduce((sum, [status, count]) => (Number(status) === expectedStatus ? sum : sum + count), 0);
  return {
    seconds,
    successes,
    rate: seconds > 0 ? successes / seconds : 0,
    statuses,
    failures: otherStatuses + connectionErrors + timeouts,
    connectionErrors,
    timeouts,
  };
}

/** Statuses other than the expected one, e.g. `503×12, 404×1`; '' when there were none. */
export function describeFailures(result: LoadResult, expectedStatus: number): string {
  const parts = Object.entries(result.statuses)
    .filter(([status]) => Number(status) !== expectedStatus)
    .map(([status, count]) => `${status}×${count}`);
  if (result.connectionErrors) parts.push(`connection errors×${result.connectionErrors}`);
  if (result.timeouts) parts.push(`timeouts×${result.timeouts}`);
  return parts.join(', ');
}
