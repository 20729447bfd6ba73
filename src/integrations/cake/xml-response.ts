import { XMLParser } from 'fast-xml-parser';
import { isRecord } from '../wire-values.js';

/**
 * CAKE's .asmx services answer XML: one root element (`<offer_feed_response xmlns="…">`) holding
 * `<success>`, `<row_count>` and the list. Every value is kept as text (the wire-value readers parse
 * numbers), attributes and namespaces are dropped (`xsi:nil="true"` reads as empty), and the
 * standard entities are decoded (`&amp;` in tracking links).
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** The root element's content; throws an Error saying why when the text is not well-formed XML with one element root. */
export function readXmlRoot(text: string): Record<string, unknown> {
  // `true` validates first: a truncated or HTML answer is an error, never half a document.
  const document: unknown = parser.parse(text, true);
  if (!isRecord(document)) throw new Error('the answer has no root element');
  const roots = Object.entries(document).filter(([name]) => !name.startsWith('?'));
  if (roots.length !== 1) throw new Error('the answer has no single root element');
  const root = roots[0]![1];
  return isRecord(root) ? root : {};
}

/**
 * The repeated `item` elements inside `container` (`<offers><offer/><offer/></offers>`): XML does not
 * say whether one child is a list, so one comes back as an object and none as empty text.
 */
export function readXmlList(container: unknown, item: string): unknown[] {
  if (!isRecord(container)) return [];
  const value = container[item];
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** A `<parent><child>text</child></parent>` value; XML nesting reads as nested records. */
export function readXmlPath(record: unknown, ...path: string[]): unknown {
  let value = record;
  for (const name of path) value = isRecord(value) ? value[name] : undefined;
  return value;
}
