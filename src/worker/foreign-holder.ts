/**
 * Is a TCP port held by a process outside this cluster? SO_REUSEPORT lets any process of the same
 * user join a port's group, whatever it is: a second launcher, an old version still running. A
 * worker binding with reusePort would then silently share traffic with it (seen: 12/8 between an
 * old and a new version; Node 24 reuseport, Bun's node:cluster). So before a worker binds with
 * reusePort it looks, synchronously, for listeners on the port that are not the cluster's own.
 *
 * Why here and synchronously: `Bun.serve()` and `Deno.serve()` bind before they return, so no
 * question to the primary could be waited on. Why /proc and not a plain test bind (which does
 * fail against any holder, SO_REUSEPORT or not: checked on Linux 6.18): once one of our workers
 * holds the port a plain bind fails for that reason too, and only the socket owners can tell ours
 * from theirs. Ours = the sockets held by the primary and its children (every worker is one).
 *
 * Limits: Linux only (elsewhere the answer is "unknown", and we bind as before); a holder that
 * binds between this check and our bind is not seen; a process we cannot inspect
 * (/proc/<pid>/fd of another user) counts as not ours, which is right for a foreign holder. Two
 * workers starting at once need no ordering: each sees only the other's sockets, which are ours.
 */
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
// Explicit: Deno 2.2 and 2.3 have no global Buffer (test/e2e deno2.2, deno2.3).
import { Buffer } from "node:buffer";


interface Listener {
  /** Normalised address: "0.0.0.0", "127.0.0.1", "::", "::1" (v4-mapped v6 read as v4). */
  readonly address: string;
  readonly inode: string;
}

/** "0100007F" -> "127.0.0.1"; 32 hex digits (4 little-endian words) -> an IPv6 string. */
function decodeAddress(hex: string): string {
  const bytes = (word: string) => [word.slice(6, 8), word.slice(4, 6), word.slice(2, 4), word.slice(0, 2)].map((b) => Number.parseInt(b, 16));
  if (hex.length === 8) return bytes(hex).join(".");
  const all = [0, 8, 16, 24].flatMap((i) => bytes(hex.slice(i, i + 8)));
  if (all.slice(0, 10).every((b) => b === 0) && all[10] === 255 && all[11] === 255) return all.slice(12).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((all[i]! << 8) | all[i + 1]!).toString(16));
  return normaliseV6(groups.join(":"));
}

/** A comparable form of an IP literal: v6 expanded to 8 groups, v4 as is; others undefined. */
function normalise(host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) return h;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return mapped[1];
  if (h.includes(":")) return normaliseV6(h);
  return undefined;
}

function normaliseV6(h: string): string {
  const [left = "", right = ""] = h.split("::");
  const l = left ? left.split(":") : [];
  const r = h.includes("::") ? (right ? right.split(":") : []) : [];
  const groups = [...l, ...Array(Math.max(0, 8 - l.length - r.length)).fill("0"), ...r];
  return groups.map((g) => Number.parseInt(g || "0", 16).toString(16)).join(":");
}

const WILDCARDS = new Set(["0.0.0.0", "0:0:0:0:0:0:0:0"]);

/**
 * Whether a listener on `theirs` takes connections meant for ours on `host`. A wildcard on either
 * side overlaps everything; a host name (not an IP literal) is treated as overlapping too.
 */
function overlaps(host: string | undefined, theirs: string): boolean {
  const ours = host === undefined || host === "" ? undefined : normalise(host);
  if (ours === undefined || WILDCARDS.has(ours) || WILDCARDS.has(theirs)) return true;
  return ours === theirs;
}

/**
 * Calls `onLine` with each line of a /proc file as it is read, until it returns false; then stops
 * reading. In chunks, not readFileSync: /proc files report size 0, and Bun 1.1.20's readFileSync
 * never returns on one (seen on /proc/net/tcp: hung, killed at 5 s). The files read here are
 * ASCII, so a chunk boundary cannot split a character. Throws if the file cannot be opened.
 */
function scanProc(file: string, onLine: (line: string) => boolean): void {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    let rest = "";
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const lines = (rest + buf.toString("utf8", 0, n)).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (!onLine(line)) return;
    }
    if (rest) onLine(rest);
  } finally {
    closeSync(fd);
  }
}

/**
 * The LISTEN sockets on `port` in `files` (default /proc/net/tcp and tcp6). Reads each file only
 * as far as its listening sockets go: Linux lists every listening socket first, then the
 * established and TIME_WAIT ones (net/ipv4/tcp_ipv4.c, `tcp_get_idx`: `listening_get_idx`, then
 * `established_get_idx`; the same seq_file serves tcp6), and generates the text as it is read.
 * Reading it all made a reuseport worker's start cost grow with the machine's sockets: 42,362
 * lines after a bench's connection-per-request load took 100 ms to read, per worker start
 * (README, Performance). Exported for its test.
 */
export function listenersOn(port: number, files: readonly string[] = ["/proc/net/tcp", "/proc/net/tcp6"]): Listener[] | undefined {
  const found: Listener[] = [];
  let readAny = false;
  for (const file of files) {
    let header = true;
    try {
      scanProc(file, (line) => {
        if (header) return !(header = false);
        const f = line.trim().split(/\s+/);
        // sl local_address rem_address st ... inode (field 9); st 0A = LISTEN. The first socket
        // in another state ends the listening ones.
        if (f.length < 10) return true;
        if (f[3] !== "0A") return false;
        const [addr = "", portHex = ""] = f[1]!.split(":");
        if (Number.parseInt(portHex, 16) === port) found.push({ address: decodeAddress(addr), inode: f[9]! });
        return true;
      });
      readAny = true;
    } catch {
      continue;
    }
  }
  return readAny ? found : undefined;
}

/** Socket inodes held by `pid`. */
function socketsOf(pid: string, into: Set<string>): void {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) into.add(m[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
}

/** The primary's children (every worker), from /proc/<pid>/task/<tid>/children. */
function childrenOf(pid: string): string[] {
  const kids: string[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return kids;
  }
  for (const tid of tasks) {
    try {
      scanProc(`/proc/${pid}/task/${tid}/children`, (line) => (kids.push(...line.trim().split(/\s+/).filter(Boolean)), true));
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return kids;
}

/** Which process holds socket `inode` (for the message), or undefined. */
function ownerOf(inode: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    const s = new Set<string>();
    socketsOf(pid, s);
    if (s.has(inode)) return Number(pid);
  }
  return undefined;
}

/** A listener outside the cluster, if one holds `port` where we would bind. */
export interface ForeignHolder {
  readonly port: number;
  readonly address: string;
  readonly pid?: number;
}

/**
 * The first listener on `port` (overlapping `host`) that neither the primary `primaryPid` nor any
 * of its children holds; undefined when there is none, or when this cannot be known (no /proc).
 */
export function findForeignHolder(port: number, host: string | undefined, primaryPid: string): ForeignHolder | undefined {
  if (!primaryPid) return undefined;
  const listeners = listenersOn(port)?.filter((l) => overlaps(host, l.address));
  if (!listeners?.length) return undefined;
  const ours = new Set<string>();
  for (const pid of [primaryPid, ...childrenOf(primaryPid)]) socketsOf(pid, ours);
  const foreign = listeners.find((l) => !ours.has(l.inode));
  return foreign ? { port, address: foreign.address, pid: ownerOf(foreign.inode) } : undefined;
}

/** The error a bind would have given, with the holder named: the primary reports it as E_PORT_IN_USE. */
export function foreignHolderError(h: ForeignHolder): Error {
  const who = h.pid ? `process ${h.pid}` : "another process";
  // Shown as people write it: "[::]:3000", "[::1]:3000", "127.0.0.1:3000".
  const v6 = h.address.includes(":") ? h.address.replace(/^(0:)+0$/, "::").replace(/^(0:)+1$/, "::1") : undefined;
  const where = v6 ? `[${v6}]:${h.port}` : `${h.address}:${h.port}`;
  return Object.assign(new Error(`listen EADDRINUSE: ${who} already listens on ${where} with SO_REUSEPORT; joining it would split connections between it and us`), {
    code: "EADDRINUSE",
    syscall: "listen",
    port: h.port,
    address: h.address,
  });
}
