// Minimal XML writing for S3 responses (the shapes are fixed and small, so a builder beats a library)
// and parsing of the few request bodies S3 takes (CompleteMultipartUpload, Delete) with fast-xml-parser.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

export type XmlValue = string | number | boolean | undefined | XmlNode | XmlNode[];
export interface XmlNode {
  [name: string]: XmlValue | XmlValue[];
}

/** Serialises {Name: value | {…} | [{…}, …]} in insertion order; undefined values are left out. */
export function toXml(node: XmlNode): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined) continue;
      if (typeof v === 'object') out += `<${name}>${toXml(v as XmlNode)}</${name}>`;
      else out += `<${name}>${escapeXml(String(v))}</${name}>`;
    }
  }
  return out;
}

export function xmlDocument(root: string, body: XmlNode, namespaced = true): string {
  const attrs = namespaced ? ` xmlns="${S3_XMLNS}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attrs}>${toXml(body)}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false, // keep ETags, part numbers and keys as the exact strings sent
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // numeric character references (Go's encoder writes &#34; for quotes in ETags)
  ignoreDeclaration: true,
});

/** Parses a request body; undefined when it is not well-formed XML (→ MalformedXML). */
export function parseXml(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '' || XMLValidator.validate(text) !== true) return undefined;
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** fast-xml-parser yields one object or an array for repeated elements: always give an array. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
