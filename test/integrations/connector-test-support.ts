import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';

/** The fake partner servers listen on loopback, which the outbound guard otherwise refuses. */
export const loopbackGuard = createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] });

/** Every page a connector yields, and the error that ended the iteration early, if one did. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<{ pages: T[]; error?: unknown }> {
  const seen: T[] = [];
  try {
    for await (const page of pages) seen.push(page);
    return { pages: seen };
  } catch (error) {
    return { pages: seen, error };
  }
}
