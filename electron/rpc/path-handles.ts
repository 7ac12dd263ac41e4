// Opaque handles for paths the person chose (a drop, the file picker, a staged drop). The process that
// learnt the path (Electron's main process, the headless daemon) registers it and gives the window a
// random handle; the window passes handles back to transfers.add and never names a path itself.
import { randomBytes } from 'node:crypto';

/** Enough for many drops of 10,000 files; the oldest handles are forgotten first. */
const defaultCapacity = 200_000;

export class PathHandles {
  private readonly byHandle = new Map<string, string>();
  private readonly byPath = new Map<string, string>();

  constructor(private readonly capacity = defaultCapacity) {}

  /** The handle for `path` (the same one when it is registered again). */
  register(path: string): string {
    const known = this.byPath.get(path);
    if (known !== undefined) return known;
    const handle = randomBytes(18).toString('base64url');
    this.byHandle.set(handle, path);
    this.byPath.set(path, handle);
    if (this.byHandle.size > this.capacity) {
      const [oldest, oldPath] = this.byHandle.entries().next().value as [string, string];
      this.byHandle.delete(oldest);
      this.byPath.delete(oldPath);
    }
    return handle;
  }

  resolve(handle: string): string | undefined {
    return this.byHandle.get(handle);
  }
}
