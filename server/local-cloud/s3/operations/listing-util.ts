// The paging rules shared by ListObjects (v1, v2, versions) and ListMultipartUploads: prefix, delimiter
// (grouping into CommonPrefixes, each counted once toward max-keys), an exclusive marker, and
// encoding-type=url.
import type { S3Context } from '../context.js';
import { errors } from '../errors.js';

export interface ListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encodingType: 'url' | undefined;
  encode: (text: string) => string;
}

export function listParams(ctx: S3Context, maxName: string): ListParams {
  const maxText = ctx.query.get(maxName);
  let maxKeys = 1000;
  if (maxText !== undefined && maxText !== '') {
    if (!/^-?\d+$/.test(maxText) || Number(maxText) < 0) {
      throw errors.InvalidArgument(`Provided ${maxName} not an integer or within integer range`, {
        ArgumentName: maxName,
        ArgumentValue: maxText,
      });
    }
    maxKeys = Math.min(Number(maxText), 1000);
  }
  const encodingText = ctx.query.get('encoding-type');
  if (encodingText !== undefined && encodingText !== '' && encodingText !== 'url') {
    throw errors.InvalidArgument('Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingText,
    });
  }
  const encodingType = encodingText === 'url' ? 'url' : undefined;
  return {
    prefix: ctx.query.get('prefix') ?? '',
    delimiter: ctx.query.get('delimiter') ?? '',
    maxKeys,
    encodingType,
    encode: encodingType ? (text) => encodeURIComponent(text).replace(/%2F/g, '/') : (text) => text,
  };
}

export interface Page<T> {
  items: T[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix on the page: the next page's marker. */
  lastKey: string | undefined;
  lastItem: { key: string; item: T | undefined } | undefined;
}

const after = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;

/** One page of `entries` (already in S3 order) after `marker`, within the params' prefix. */
export function paginate<T>(entries: Array<{ key: string; item: T }>, params: ListParams, marker = ''): Page<T> {
  const items: T[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let lastKey: string | undefined;
  let lastItem: Page<T>['lastItem'];
  let lastPrefix: string | undefined;
  for (const entry of entries) {
    if (!entry.key.startsWith(params.prefix)) continue;
    let id = entry.key;
    let isPrefix = false;
    if (params.delimiter !== '') {
      const at = entry.key.indexOf(params.delimiter, params.prefix.length);
      if (at !== -1) {
        id = entry.key.slice(0, at + params.delimiter.length);
        isPrefix = true;
      }
    }
    if (marker !== '' && !after(id, marker)) continue;
    if (isPrefix && id === lastPrefix) continue;
    if (count >= params.maxKeys) return { items, commonPrefixes, truncated: count > 0, lastKey, lastItem };
    count++;
    lastKey = id;
    if (isPrefix) {
      lastPrefix = id;
      commonPrefixes.push(id);
      lastItem = { key: id, item: undefined };
    } else {
      items.push(entry.item);
      lastItem = { key: id, item: entry.item };
    }
  }
  return { items, commonPrefixes, truncated: false, lastKey, lastItem };
}
