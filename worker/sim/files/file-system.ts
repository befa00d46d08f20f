// A machine's file system as its programs see it: the files its image or system has (computed,
// shell/files.ts for the generated ones) under what was written (files/store.ts). Paths resolve
// as the kernel resolves them (`.`, `..`, a file where a directory is expected), permissions are
// the owner/other bits of a classic Unix file system, and errors are errno names the tools turn
// into their own messages.

import type { ClusterState, StoredEntry } from "../cluster/types.ts";
import type { Tx } from "../cluster/tx.ts";
import { byteLength } from "../net/http.ts";
import { spend, type WorkBudget } from "../shell/work.ts";
import { dropStaleLayers, entryBytes, entryKey, FILE_BYTES, putEntry, SESSION_FILE_BYTES, storedChildren, storedEntry, usedBytes } from "./store.ts";
import { boundPath, type VolumeBind } from "./volumes.ts";

export type Errno = "ENOENT" | "ENOTDIR" | "EISDIR" | "EACCES" | "EEXIST" | "ENOTEMPTY" | "ENOSPC" | "EROFS" | "EINVAL";

/** strerror(3) of each errno, as glibc and musl word them (they agree on these). */
export const ERRNO_TEXT: Record<Errno, string> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EACCES: "Permission denied",
  EEXIST: "File exists",
  ENOTEMPTY: "Directory not empty",
  ENOSPC: "No space left on device",
  EROFS: "Read-only file system",
  EINVAL: "Invalid argument",
};

/** A file the image or the system provides; `data` is computed when read. */
export type BaseNode =
  | { type: "dir"; mode: number; owner?: string; special?: "proc" | "sys" }
  | { type: "file"; mode: number; owner?: string; data: () => string }
  | { type: "dev"; mode: number };

export interface Machine {
  /** The key its writes are stored under (files/store.ts). */
  id: string;
  /** The user its shell runs as, and that user's home directory. */
  user: string;
  home: string;
  /** Its tools are busybox's applets. */
  busybox: boolean;
  /** Absolute path -> what the image or system has there; every ancestor directory is present. */
  base: Map<string, BaseNode>;
  /** mtime of the base files: when the machine booted or the container started. */
  bootTime: number;
  /** Mount points mounted read-only (configMap and secret volumes): nothing under them may change. */
  readOnly?: string[];
  /** Writable volumes (emptyDir, hostPath, PersistentVolumes): what is under them is stored on another machine. */
  binds?: VolumeBind[];
}

export interface Stat {
  type: "file" | "dir" | "dev";
  mode: number;
  owner: string;
  size: number;
  mtime: number;
  /** Where it is written, if it was. */
  stored: boolean;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errno: Errno };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(errno: Errno): Result<T> => ({ ok: false, errno });

/** `path` made absolute against `cwd`, `.` and `..` resolved lexically, no trailing slash. */
export function absolutePath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of `${path.startsWith("/") ? "" : cwd}/${path}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A machine's files for one program run: reads see this transaction, writes go into it. */
export class FileSystem {
  constructor(
    private readonly tx: Tx,
    readonly machine: Machine,
    private readonly now: number,
    private readonly work?: WorkBudget,
  ) {}

  private get state(): ClusterState {
    return this.tx.state;
  }

  /** The machine and path a path's entry is stored under: a writable volume's, or this machine's own. */
  private where(path: string): { machine: string; path: string; bind?: VolumeBind } {
    return (this.machine.binds && boundPath(this.machine.binds, path)) ?? { machine: this.machine.id, path };
  }

  private storedAt(path: string): StoredEntry | undefined {
    const w = this.where(path);
    return storedEntry(this.state, w.machine, w.path);
  }

  private childrenAt(path: string): Iterable<[string, StoredEntry]> {
    const w = this.where(path);
    return storedChildren(this.state, w.machine, w.path);
  }

  private keyAt(path: string): string {
    const w = this.where(path);
    return entryKey(w.machine, w.path);
  }

  private putAt(path: string, entry: StoredEntry | undefined): void {
    const w = this.where(path);
    if (entry && w.bind) this.makeTargetDirs(w.machine, w.path, w.bind);
    // Written through a volume: the node's shell shows the writer (the container's user) as the owner.
    const owned = entry && entry.type !== "gone" && w.machine !== this.machine.id && w.machine.startsWith("node/") && entry.owner === undefined ? { ...entry, owner: this.machine.user } : entry;
    putEntry(this.tx, w.machine, w.path, owned);
  }

  /**
   * The kubelet creates a hostPath's (DirectoryOrCreate) and a local-path volume's directory on the
   * node when it mounts it: the first write through the mount makes the missing ones, so the node's
   * shell lists them.
   */
  private makeTargetDirs(machine: string, path: string, bind: VolumeBind): void {
    if (machine.startsWith("pod/")) return;
    for (let i = path.indexOf("/", 1); i > 0; i = path.indexOf("/", i + 1)) {
      const dir = path.slice(0, i);
      // A node's system directories (/opt, /var, /tmp, home directories) are its own already.
      if (/^\/[^/]+$/.test(dir) || /^\/home\/[^/]+$/.test(dir)) continue;
      const mode = dir === bind.target ? (bind.rootMode ?? 0o755) : 0o755;
      if (!storedEntry(this.state, machine, dir)) putEntry(this.tx, machine, dir, { type: "dir", mode, mtime: this.now, owner: "root" });
    }
  }

  /** The entry at an absolute path, ignoring its ancestors. */
  private entry(path: string): Stat | undefined {
    const stored = this.storedAt(path);
    if (stored) {
      if (stored.type === "gone") return undefined;
      const size = stored.type === "file" ? byteLength(stored.data) : 4096;
      return { type: stored.type, mode: stored.mode, owner: stored.owner ?? this.machine.user, size, mtime: stored.mtime, stored: true };
    }
    const base = this.machine.base.get(path);
    if (!base) return undefined;
    const size = base.type === "file" ? byteLength(base.data()) : base.type === "dir" ? 4096 : 0;
    const owner = base.type === "dev" ? "root" : (base.owner ?? "root");
    return { type: base.type, mode: base.mode, owner, size, mtime: this.machine.bootTime, stored: false };
  }

  /** Whether the path is on a read-only mount (the kernel answers EROFS before any permission check). */
  private onReadOnly(path: string): boolean {
    return this.machine.readOnly?.some((m) => path === m || path.startsWith(`${m}/`)) ?? false;
  }

  private may(stat: Stat, bit: 4 | 2 | 1): boolean {
    if (this.machine.user === "root") return bit !== 1 || stat.type === "dir" || (stat.mode & 0o111) !== 0;
    const bits = stat.owner === this.machine.user ? (stat.mode >> 6) & 7 : stat.mode & 7;
    return (bits & bit) !== 0;
  }

  /** Walks to `path`: ENOTDIR when a file stands where a directory must, EACCES for a directory we may not enter. */
  stat(path: string): Result<Stat> {
    if (path !== "/") {
      const parent = this.stat(parentOf(path));
      if (!parent.ok) return parent;
      if (parent.value.type !== "dir") return fail("ENOTDIR");
      if (!this.may(parent.value, 1)) return fail("EACCES");
    }
    const stat = this.entry(path);
    return stat ? ok(stat) : fail("ENOENT");
  }

  /** The file's text. Reading is work, like bytes through a pipe. */
  read(path: string): Result<string> {
    const stat = this.stat(path);
    if (!stat.ok) return stat;
    if (stat.value.type === "dir") return fail("EISDIR");
    if (!this.may(stat.value, 4)) return fail("EACCES");
    if (stat.value.type === "dev") return ok("");
    const data = this.contents(path);
    spend(this.work, data.length);
    return ok(data);
  }

  /** A regular file's text, without counting it as work: an append extends a file, it does not read it. */
  private contents(path: string): string {
    const stored = this.storedAt(path);
    return stored?.type === "file" ? stored.data : (this.machine.base.get(path) as Extract<BaseNode, { type: "file" }>).data();
  }

  /** Names in a directory, in byte order. */
  list(path: string): Result<string[]> {
    const stat = this.stat(path);
    if (!stat.ok) return stat;
    if (stat.value.type !== "dir") return fail("ENOTDIR");
    if (!this.may(stat.value, 4)) return fail("EACCES");
    const names = new Set<string>();
    const prefix = path === "/" ? "/" : `${path}/`;
    for (const key of this.machine.base.keys()) {
      if (key.startsWith(prefix) && key.length > prefix.length && !key.slice(prefix.length).includes("/")) names.add(key.slice(prefix.length));
    }
    for (const [name, entry] of this.childrenAt(path)) {
      if (entry.type === "gone") names.delete(name);
      else names.add(name);
    }
    return ok([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Why a new entry may not be made in `dir` (an existing, listed directory), if it may not. */
  private mayCreateIn(dir: string): Errno | undefined {
    const stat = this.stat(dir);
    if (!stat.ok) return stat.errno;
    if (stat.value.type !== "dir") return "ENOTDIR";
    const base = this.machine.base.get(dir);
    const special = base?.type === "dir" ? base.special : undefined;
    // /sys is mounted read-only in a container; /proc has no place for new files.
    if (special && this.machine.user === "root") return special === "sys" ? "EROFS" : "ENOENT";
    if (this.onReadOnly(dir)) return "EROFS";
    return this.may(stat.value, 2) ? undefined : "EACCES";
  }

  /**
   * Writes a whole file (`append`: after what it holds). Past the per-file or per-session space
   * the file keeps what fits and ENOSPC is returned, as a full disk does; nothing else changes.
   */
  write(path: string, data: string, append = false): Result<number> {
    const stat = this.stat(path);
    if (!stat.ok && stat.errno !== "ENOENT") return stat;
    if (stat.ok) {
      if (stat.value.type === "dir") return fail("EISDIR");
      if (this.onReadOnly(path)) return fail("EROFS");
      if (!this.may(stat.value, 2)) return fail("EACCES");
      if (stat.value.type === "dev") return ok(byteLength(data));
    } else {
      const why = this.mayCreateIn(parentOf(path));
      if (why) return fail(why);
    }
    spend(this.work, data.length);
    const before = stat.ok && append ? this.contents(path) : "";
    const mode = stat.ok ? stat.value.mode : this.machine.user === "root" ? 0o644 : 0o664;
    const key = this.keyAt(path);
    const old = this.storedAt(path);
    const freeNow = () => SESSION_FILE_BYTES - (usedBytes(this.state) - (old ? entryBytes(key, old) : 0)) - byteLength(key);
    // Gone containers' layers only matter for space: they are dropped when a write needs it.
    if (freeNow() < byteLength(before) + byteLength(data)) dropStaleLayers(this.tx);
    const free = freeNow();
    const room = Math.max(0, Math.min(FILE_BYTES, free) - byteLength(before));
    const fits = byteLength(data) <= room;
    const kept = fits ? data : prefixOfBytes(data, room);
    this.putAt(path, { type: "file", data: before + kept, mode, mtime: this.now });
    return fits ? ok(byteLength(data)) : fail("ENOSPC");
  }

  /** mkdir(2). */
  mkdir(path: string): Result<void> {
    const stat = this.stat(path);
    if (stat.ok) return fail("EEXIST");
    if (stat.errno !== "ENOENT") return stat;
    const why = this.mayCreateIn(parentOf(path));
    if (why) return fail(why);
    const key = this.keyAt(path);
    if (usedBytes(this.state) + byteLength(key) > SESSION_FILE_BYTES) dropStaleLayers(this.tx);
    if (usedBytes(this.state) + byteLength(key) > SESSION_FILE_BYTES) return fail("ENOSPC");
    this.putAt(path, { type: "dir", mode: this.machine.user === "root" ? 0o755 : 0o775, mtime: this.now });
    return ok(undefined);
  }

  /** unlink(2) or rmdir(2): `dir` says which. */
  remove(path: string, dir: boolean): Result<void> {
    const stat = this.stat(path);
    if (!stat.ok) return stat;
    if (dir && stat.value.type !== "dir") return fail("ENOTDIR");
    if (!dir && stat.value.type === "dir") return fail("EISDIR");
    if (dir) {
      const inside = this.list(path);
      if (inside.ok && inside.value.length > 0) return fail("ENOTEMPTY");
    }
    const why = this.mayCreateIn(parentOf(path));
    if (why) return fail(why);
    this.putAt(path, this.machine.base.has(path) ? { type: "gone" } : undefined);
    return ok(undefined);
  }

  /** touch: a new empty file, or a new mtime. */
  touch(path: string): Result<void> {
    const stat = this.stat(path);
    if (!stat.ok) {
      if (stat.errno !== "ENOENT") return stat;
      const written = this.write(path, "");
      return written.ok ? ok(undefined) : written;
    }
    if (this.onReadOnly(path)) return fail("EROFS");
    if (!this.may(stat.value, 2)) return fail("EACCES");
    const stored = this.storedAt(path);
    if (stored && stored.type !== "gone") this.putAt(path, { ...stored, mtime: this.now });
    else if (stat.value.type === "file") {
      const data = this.read(path);
      if (data.ok) this.putAt(path, { type: "file", data: data.value, mode: stat.value.mode, mtime: this.now });
    }
    return ok(undefined);
  }

  /** Whether `path` is a directory (after resolving it). */
  isDir(path: string): boolean {
    const stat = this.stat(path);
    return stat.ok && stat.value.type === "dir";
  }

  /** The mode of a stored entry, kept when a file is copied or moved. */
  storedMode(path: string): number | undefined {
    const stored = this.storedAt(path);
    return stored && stored.type !== "gone" ? stored.mode : undefined;
  }

  /** Sets the entry exactly (mv keeps a moved file's mode and mtime). */
  place(path: string, entry: StoredEntry): Result<void> {
    if (this.onReadOnly(path)) return fail("EROFS");
    const key = this.keyAt(path);
    const old = this.storedAt(path);
    if (usedBytes(this.state) - (old ? entryBytes(key, old) : 0) + entryBytes(key, entry) > SESSION_FILE_BYTES) return fail("ENOSPC");
    this.putAt(path, entry);
    return ok(undefined);
  }

  /** The entry as stored or computed, for a move. */
  snapshot(path: string): StoredEntry | undefined {
    const stat = this.entry(path);
    if (!stat) return undefined;
    if (stat.type === "dir") return { type: "dir", mode: stat.mode, mtime: stat.mtime };
    const data = this.read(path);
    return data.ok ? { type: "file", data: data.value, mode: stat.mode, mtime: stat.mtime } : undefined;
  }
}

/** The longest prefix of `text` that is at most `bytes` bytes of UTF-8. */
function prefixOfBytes(text: string, bytes: number): string {
  let n = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : 3;
    if (n + size > bytes) break;
    n += size;
    if (size === 4) i++;
  }
  return text.slice(0, i);
}
