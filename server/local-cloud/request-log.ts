// Every request the local cloud answers, for tests and benchmarks (e.g. "no finished part was sent twice").
// Kept in memory (bounded) and, when a file is given, appended as JSON lines.
import { appendFileSync } from 'node:fs';

export interface RequestLogEntry {
  time: string; // ISO, when the request arrived
  requestId: string;
  method: string;
  protocol: 's3' | 'cognito';
  principal?: 'admin' | 'developer' | 'identity' | 'anonymous';
  identityId?: string;
  operation: string;
  bucket?: string;
  key?: string;
  partNumber?: number;
  uploadId?: string;
  /** Raw body bytes read from the socket. */
  bytesReceived: number;
  status: number;
  errorCode?: string;
}

export interface RequestLog {
  entries(): readonly RequestLogEntry[];
  append(entry: RequestLogEntry): void;
  clear(): void;
}

export function createRequestLog(options: { file?: string; limit?: number } = {}): RequestLog {
  const limit = options.limit ?? 100_000;
  let entries: RequestLogEntry[] = [];
  return {
    entries: () => entries,
    append(entry) {
      entries.push(entry);
      if (entries.length > limit) entries = entries.slice(entries.length - limit / 2);
      if (options.file) {
        try {
          appendFileSync(options.file, `${JSON.stringify(entry)}\n`);
        } catch {
          // the log is a diagnostic aid: never fail a request because it cannot be written
        }
      }
    },
    clear() {
      entries = [];
    },
  };
}
