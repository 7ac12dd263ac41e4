// Raw query-string parsing shared by SigV4 verification and the S3 router. Names and values are
// percent-decoded; `+` stays a literal plus (AWS clients always send a space as %20).

/** Decoded [name, value] pairs in the order sent; throws URIError on malformed percent-encoding. */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (rawQuery === '') return pairs;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([decodeURIComponent(name), decodeURIComponent(value)]);
  }
  return pairs;
}

/** Pairs → the query object @smithy/signature-v4 canonicalises (repeated names become arrays). */
export function toQueryBag(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const bag = Object.create(null) as Record<string, string | string[]>; // no prototype: a name may be "__proto__"
  for (const [name, value] of pairs) {
    const existing = bag[name];
    if (existing === undefined) bag[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else bag[name] = [existing, value];
  }
  return bag;
}
