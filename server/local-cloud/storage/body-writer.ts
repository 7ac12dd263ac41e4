// Writes an incoming object body to its temp file. Large bodies go through O_DIRECT: the bytes are copied
// once into a page-aligned staging buffer and the disk reads them from there, instead of the kernel copying
// every byte into freshly allocated page cache. On a VM, page cache for a new 1 GiB file is memory the guest
// has never touched, and that first touch was the largest single cost of ingest (≈1–2.5 CPU-seconds per
// GiB of kernel time, more than the MD5 of the ETag). Two staging buffers per body: one fills while the
// other is being written. Where O_DIRECT is refused (tmpfs, some file systems) or the body is small, plain
// buffered writes in batches of up to FLUSH_BYTES are used instead.
import { closeSync, constants, openSync, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Below this a body is written buffered: small files gain nothing from direct I/O and would wait on the disk. */
export const DIRECT_MIN_BYTES = 4 * 1024 * 1024;
const STAGING_BYTES = 4 * 1024 * 1024;
const ALIGN = 4096;
const FLUSH_BYTES = 4 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
const SLAB_BUFFERS = 8;

export interface BodyWriter {
  /** True when every byte goes through the `onBlock` given to openBodyWriter (direct writes only). */
  readonly blocksHandled: boolean;
  /** Takes `data` (the caller may reuse it afterwards); a promise means: wait for it before writing more. */
  write(data: Buffer): Promise<void> | undefined;
  /** Writes what is left, sets the exact length and closes the file. */
  finish(): Promise<void>;
  /** Closes the file without finishing it (the caller deletes it). */
  abort(): Promise<void>;
}

let directSupported = true; // turned off for good after the first refusal (same data folder, same file system)

/**
 * A staged block of the body, in order, on shared memory (a worker may read it): the staging buffer is
 * reused only once the returned promise settles.
 */
export type BlockHandler = (block: Uint8Array) => Promise<void>;

/**
 * Opens `path` (must not exist) for a body of `expectedBytes`. With `onBlock`, a direct writer also hands it
 * every staged block (blocksHandled tells whether it will); a buffered writer ignores it.
 */
export async function openBodyWriter(path: string, expectedBytes: number, onBlock?: BlockHandler): Promise<BodyWriter> {
  if (directSupported && expectedBytes >= DIRECT_MIN_BYTES && constants.O_DIRECT !== undefined) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o600);
      return new DirectWriter(handle, onBlock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      directSupported = false; // the file system does not do O_DIRECT
      await handle?.close().catch(() => undefined);
    }
  }
  return new BufferedWriter(path);
}

/**
 * Buffered writes. The file is opened on the first flush; a body that never reaches FLUSH_BYTES is written
 * whole at finish() with synchronous calls: for a small body, a thread-pool round trip per open, write
 * and close costs more CPU than the system calls themselves.
 */
class BufferedWriter implements BodyWriter {
  readonly blocksHandled = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private handle: FileHandle | undefined;

  constructor(private readonly path: string) {}

  write(data: Buffer): Promise<void> | undefined {
    this.pending.push(data);
    this.pendingBytes += data.length;
    return this.pendingBytes >= FLUSH_BYTES ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    this.handle ??= await open(this.path, 'wx', 0o600);
    if (this.pendingBytes === 0) return;
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.writev(buffers);
  }

  async finish(): Promise<void> {
    if (this.handle) {
      await this.flush();
      await this.handle.close();
      return;
    }
    const fd = openSync(this.path, 'wx', 0o600);
    try {
      writeAllSync(fd, this.pending);
    } finally {
      closeSync(fd);
    }
  }

  async abort(): Promise<void> {
    await this.handle?.close();
  }
}

class DirectWriter implements BodyWriter {
  readonly blocksHandled: boolean;
  private current: Buffer;
  private spare: Buffer;
  private used = 0;
  private position = 0;
  /** The write of `spare` in flight, if any. */
  private inFlight: Promise<void> | undefined;
  private failed: unknown;
  private released = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly onBlock?: BlockHandler,
  ) {
    this.blocksHandled = onBlock !== undefined;
    this.current = stagingPool.take();
    this.spare = stagingPool.take();
  }

  write(data: Buffer): Promise<void> | undefined {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    let offset = 0;
    while (offset < data.length) {
      const n = data.copy(this.current, this.used, offset);
      offset += n;
      this.used += n;
      if (this.used === this.current.length) {
        const wait = this.rotate();
        // The spare buffer is still being written: the caller waits, then hands us the rest.
        if (wait) return offset === data.length ? wait : wait.then(() => this.write(data.subarray(offset)));
      }
    }
    return undefined;
  }

  /** Sends the full `current` buffer to the disk and continues in `spare`; a promise while `spare` is busy. */
  private rotate(): Promise<void> | undefined {
    const previous = this.inFlight;
    if (previous) {
      return previous.then(() => {
        this.inFlight = undefined;
        return this.rotate();
      });
    }
    const full = this.current;
    const length = this.used;
    const at = this.position;
    this.position += length;
    this.current = this.spare;
    this.spare = full;
    this.used = 0;
    const written = writeAll(this.handle, full, roundUp(length), at);
    this.inFlight = (
      this.onBlock ? Promise.all([written, this.onBlock(full.subarray(0, length))]).then(() => undefined) : written
    ).catch((err: unknown) => {
      this.failed = err;
      throw err;
    });
    this.inFlight.catch(() => undefined); // surfaced by the next write or finish
    return undefined;
  }

  async finish(): Promise<void> {
    try {
      await this.inFlight;
      const size = this.position + this.used;
      if (this.used > 0) {
        const padded = roundUp(this.used);
        const block = this.current.subarray(0, this.used);
        this.current.fill(0, this.used, padded);
        await Promise.all([writeAll(this.handle, this.current, padded, this.position), this.onBlock?.(block)]);
      }
      if (size % ALIGN !== 0) await this.handle.truncate(size); // drop the padding of the last block
      await this.handle.close();
    } finally {
      this.release();
    }
  }

  async abort(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.release();
    await this.handle.close();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    stagingPool.give(this.current);
    stagingPool.give(this.spare);
  }
}

/** writev until every byte is written (a regular file may take fewer in one call). */
function writeAllSync(fd: number, buffers: Buffer[]): void {
  let position = 0;
  let rest = buffers;
  while (rest.length > 0) {
    let written = writevSync(fd, rest, position);
    position += written;
    let i = 0;
    while (i < rest.length && written >= rest[i]!.length) written -= rest[i++]!.length;
    rest = rest.slice(i);
    if (written > 0) rest[0] = rest[0]!.subarray(written);
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(buffer, done, length - done, position + done);
    if (bytesWritten <= 0) throw new Error('short direct write');
    done += bytesWritten;
  }
}

/** WebAssembly.Memory (the node types here are built without the WebAssembly lib). */
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (size: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
    };
  }
).WebAssembly.Memory;

const roundUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Page-aligned staging buffers. WebAssembly memories are mapped page-aligned, which a Buffer's memory is
 * not, and O_DIRECT needs aligned addresses; shared ones can also be read by a hasher thread without a
 * copy. Slabs of SLAB_BUFFERS buffers, reused, never freed: the pool's size follows the peak number of
 * large bodies received at once (8 MiB each).
 */
const stagingPool = {
  free: [] as Buffer[],
  take(): Buffer {
    const buffer = this.free.pop();
    if (buffer) return buffer;
    const pages = (STAGING_BYTES * SLAB_BUFFERS) / WASM_PAGE;
    const slab = Buffer.from(new WasmMemory({ initial: pages, maximum: pages, shared: true }).buffer);
    for (let i = 1; i < SLAB_BUFFERS; i++) this.free.push(slab.subarray(i * STAGING_BYTES, (i + 1) * STAGING_BYTES));
    return slab.subarray(0, STAGING_BYTES);
  },
  give(buffer: Buffer): void {
    this.free.push(buffer);
  },
};
