// kubectl cp (cp.go): kubectl runs `tar cf - SRC` in the container and unpacks the stream on the
// workstation, or packs local files and runs `tar -xmf - -C DIR` in the container. So the messages
// are kubectl's for the file specs and tar's for what happens inside the container (GNU tar in
// Debian/Ubuntu images, busybox's applet in Alpine/busybox ones), and an image without a shell has
// no tar either (exec's "executable file not found"). Files written in a container are lost when it
// restarts, like any other write there.

import { newHex } from "../../cluster/ids.ts";
import { findImage } from "../../cluster/images.ts";
import { absolutePath, baseName, ERRNO_TEXT, parentOf, type Errno, type FileSystem } from "../../files/file-system.ts";
import { filesOf, programFiles, type ShellFiles } from "../../shell/fs-context.ts";
import type { Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { resolveTarget } from "./exec.ts";

export const cpCommand: Command = {
  name: "cp",
  short: "Copy files and directories to and from containers",
  long: "Copy files and directories to and from containers.",
  usage: "cp <file-spec-src> <file-spec-dest>",
  examples: `  # !!!Important Note!!!
  # Requires that the 'tar' binary is present in your container
  # image.  If 'tar' is not present, 'kubectl cp' will fail.
  #
  # For advanced use cases, such as symlinks, wildcard expansion or
  # file mode preservation, consider using 'kubectl exec'.

  # Copy /tmp/foo_dir local directory to /tmp/bar_dir in a remote pod in the default namespace
  kubectl cp /tmp/foo_dir <some-pod>:/tmp/bar_dir

  # Copy /tmp/foo local file to /tmp/bar in a remote pod in a specific container
  kubectl cp /tmp/foo <some-pod>:/tmp/bar -c <specific-container>

  # Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace <some-namespace>
  kubectl cp /tmp/foo <some-namespace>/<some-pod>:/tmp/bar

  # Copy /tmp/foo from a remote pod to /tmp/bar locally
  kubectl cp <some-namespace>/<some-pod>:/tmp/foo /tmp/bar`,
  flags: [
    { name: "container", short: "c", type: "string", usage: "Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen" },
    { name: "no-preserve", type: "bool", usage: "The copied file/directory's ownership and permissions will not be preserved in the container" },
    { name: "retries", type: "int", defaultValue: "0", usage: "Set number of retries to complete a copy operation from a container. Specify 0 to disable or any negative value for infinite retrying. The default is 0 (no retry)." },
  ],
  run: runCp,
};

interface FileSpec {
  namespace?: string;
  pod?: string;
  file: string;
}

/** cp.go extractFileSpec: `[[namespace/]pod:]file/path`. */
function extractFileSpec(arg: string): FileSpec | undefined {
  const i = arg.indexOf(":");
  if (i === 0) return undefined;
  if (i < 0) return { file: arg };
  const pieces = arg.slice(0, i).split("/");
  const file = arg.slice(i + 1);
  if (pieces.length === 1) return { pod: pieces[0], file };
  if (pieces.length === 2) return { namespace: pieces[0], pod: pieces[1], file };
  return undefined;
}

const FORMAT_ERROR = "error: filespec must match the canonical format: [[namespace/]pod:]file/path";

function runCp(k: Kubectl, flags: Flags): number {
  if (flags.args.length !== 2) return fail(k, "error: source and destination are required");
  const src = extractFileSpec(flags.args[0]);
  const dest = extractFileSpec(flags.args[1]);
  if (!src || !dest) return fail(k, FORMAT_ERROR);
  if (src.pod && dest.pod) return fail(k, "error: one of src or dest must be a local file specification");
  if (src.file === "" || dest.file === "") return fail(k, "error: filepath can not be empty");
  const local = programFiles(k.ctx);
  if (!local) return fail(k, "error: the machine kubectl runs on is gone");
  if (src.pod) return copyFromPod(k, flags, src as Remote, dest.file, local);
  if (dest.pod) return copyToPod(k, flags, src.file, dest as Remote, local);
  return fail(k, "error: one of src or dest must be a remote file specification");
}

type Remote = Required<Pick<FileSpec, "pod" | "file">> & { namespace?: string };

interface Container {
  files: ShellFiles;
  busybox: boolean;
}

/** The exec kubectl makes: the pod and container as the API server checks them, then tar in the image. */
function openContainer(k: Kubectl, flags: Flags, spec: Remote): Container | number {
  const kk: Kubectl = spec.namespace ? { ...k, namespace: spec.namespace } : k;
  const target = resolveTarget(kk, spec.pod, flags.string("container"));
  if (typeof target === "number") return target;
  const container = target.pod.spec.containers.find((c) => c.name === target.container)!;
  const image = findImage(container.image);
  // tar comes with a shell: coreutils' images have GNU tar, busybox's have its applet; images
  // without a shell (scratch, distroless) have neither.
  if (!image?.tools.includes("sh")) {
    return fail(
      k,
      `error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${newHex(k.ctx.random, 64)}": OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable file not found in $PATH: unknown`,
    );
  }
  const files = filesOf(k.ctx.tx, { kind: "pod", namespace: kk.namespace, pod: spec.pod, container: target.container, shell: "sh" }, k.ctx.now, k.ctx.work);
  if (!files) return fail(k, `error: unable to upgrade connection: container not found ("${target.container}")`);
  return { files, busybox: image.busybox === true };
}

/** Go's error text for a syscall error: strerror in lower case (syscall.Errno.Error). */
const goErrno = (errno: Errno) => ERRNO_TEXT[errno].toLowerCase();

/** The members `tar cf - PATH` writes: directories (with a trailing slash) and files, depth first. */
function walk(fs: FileSystem, path: string, name: string, out: Array<{ name: string; data?: string }>): Errno | undefined {
  const stat = fs.stat(path);
  if (!stat.ok) return stat.errno;
  if (stat.value.type !== "dir") {
    const read = fs.read(path);
    if (!read.ok) return read.errno;
    out.push({ name, data: read.value });
    return undefined;
  }
  out.push({ name: `${name}/` });
  const list = fs.list(path);
  if (!list.ok) return list.errno;
  for (const child of list.value) {
    const failed = walk(fs, path === "/" ? `/${child}` : `${path}/${child}`, `${name}/${child}`, out);
    if (failed) return failed;
  }
  return undefined;
}

function copyFromPod(k: Kubectl, flags: Flags, src: Remote, dest: string, local: ShellFiles): number {
  const container = openContainer(k, flags, src);
  if (typeof container === "number") return container;
  const { files, busybox } = container;
  // tar's stderr reaches kubectl's stdout here (cp.go initReadFrom: ErrOut is o.Out).
  const path = files.resolve(src.file);
  const stripped = src.file.replace(/^\/+/, "");
  const members: Array<{ name: string; data?: string }> = [];
  const failed = walk(files.fs, path, stripped.replace(/\/+$/, ""), members);
  if (failed) {
    if (busybox) {
      k.out(`tar: ${src.file}: ${ERRNO_TEXT[failed]}\ntar: error exit delayed from previous errors\n`);
      k.err("command terminated with exit code 1\n");
      return 1;
    }
    k.out(`tar: ${src.file}: Cannot stat: ${ERRNO_TEXT[failed]}\ntar: Exiting with failure status due to previous errors\n`);
    k.err("command terminated with exit code 2\n");
    return 2;
  }
  if (stripped !== src.file) {
    const removed = src.file.slice(0, src.file.length - stripped.length);
    k.out(busybox ? `tar: removing leading '${removed}' from member names\n` : `tar: Removing leading '${removed}' from member names\n`);
  }
  // untarAll: each member's name less the source's own prefix, under the local destination.
  const prefix = stripped.replace(/\/+$/, "");
  const destRoot = local.resolve(dest);
  for (const member of members) {
    const relative = member.name.slice(prefix.length).replace(/^\/+|\/+$/g, "");
    const target = relative ? absolutePath(destRoot, relative) : destRoot;
    const shown = relative ? joinShown(dest, relative) : cleanShown(dest);
    const made = mkdirAll(local.fs, member.data === undefined ? target : parentOf(target));
    if (made) return fail(k, `error: mkdir ${made.path}: ${goErrno(made.errno)}`);
    if (member.data === undefined) continue;
    const written = local.fs.write(target, member.data);
    if (!written.ok) return fail(k, `error: open ${shown}: ${goErrno(written.errno)}`);
  }
  return 0;
}

function copyToPod(k: Kubectl, flags: Flags, src: string, dest: Remote, local: ShellFiles): number {
  const srcPath = local.resolve(src);
  if (!local.fs.stat(srcPath).ok) return fail(k, `error: ${src} doesn't exist in local filesystem`);
  const container = openContainer(k, flags, dest);
  if (typeof container === "number") return container;
  const { files, busybox } = container;
  // checkDestinationIsDir: a directory at the destination receives the source under its own name.
  let destFile = dest.file;
  if (files.fs.isDir(files.resolve(destFile))) destFile = `${destFile.replace(/\/+$/, "")}/${baseName(srcPath)}`;
  const destDir = files.resolve(parentOf(files.resolve(destFile)));
  const members: Array<{ name: string; data?: string }> = [];
  const failed = walk(local.fs, srcPath, baseName(files.resolve(destFile)), members);
  if (failed) return fail(k, `error: open ${src}: ${goErrno(failed)}`);
  // tar -xmf - -C DIR
  const dirStat = files.fs.stat(destDir);
  if (!dirStat.ok || dirStat.value.type !== "dir") {
    const errno: Errno = dirStat.ok ? "ENOTDIR" : dirStat.errno;
    if (busybox) {
      k.err(`tar: can't change directory to '${destDir}': ${ERRNO_TEXT[errno]}\n`);
      k.err("command terminated with exit code 1\n");
      return 1;
    }
    k.err(`tar: ${destDir}: Cannot open: ${ERRNO_TEXT[errno]}\ntar: Error is not recoverable: exiting now\n`);
    k.err("command terminated with exit code 2\n");
    return 2;
  }
  let errors = false;
  for (const member of members) {
    const name = member.name.replace(/\/+$/, "");
    const target = absolutePath(destDir, name);
    // tar makes missing parent directories of a member itself.
    const made = mkdirAll(files.fs, member.data === undefined ? target : parentOf(target));
    const problem = made?.errno ?? (member.data === undefined ? undefined : writeError(files.fs, target, member.data));
    if (!problem) continue;
    errors = true;
    k.err(busybox ? `tar: can't open '${name}': ${ERRNO_TEXT[problem]}\n` : `tar: ${name}: Cannot open: ${ERRNO_TEXT[problem]}\n`);
    if (busybox) break;
  }
  if (!errors) return 0;
  if (!busybox) k.err("tar: Exiting with failure status due to previous errors\n");
  const code = busybox ? 1 : 2;
  k.err(`command terminated with exit code ${code}\n`);
  return code;
}

function writeError(fs: FileSystem, path: string, data: string): Errno | undefined {
  const written = fs.write(path, data);
  return written.ok ? undefined : written.errno;
}

/** os.MkdirAll: every missing directory on the way; the first that cannot be made, if any. */
function mkdirAll(fs: FileSystem, path: string): { path: string; errno: Errno } | undefined {
  const stat = fs.stat(path);
  if (stat.ok) return stat.value.type === "dir" ? undefined : { path, errno: "ENOTDIR" };
  if (stat.errno !== "ENOENT") return { path, errno: stat.errno };
  if (path !== "/") {
    const parent = mkdirAll(fs, parentOf(path));
    if (parent) return parent;
  }
  const made = fs.mkdir(path);
  return made.ok ? undefined : { path, errno: made.errno };
}

/** filepath.Clean of a path as the user wrote it (Go's messages show it so). */
function cleanShown(path: string): string {
  const absolute = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length && parts[parts.length - 1] !== "..") parts.pop();
    else if (part === ".." && absolute) continue;
    else parts.push(part);
  }
  const joined = parts.join("/");
  return absolute ? `/${joined}` : joined || ".";
}

const joinShown = (dir: string, name: string) => cleanShown(`${dir}/${name}`);
