/**
 * listenersOn() reads /proc/net/tcp{,6} only as far as the listening sockets go (Linux lists them
 * first), so a reuseport worker's start does not grow with the machine's TIME_WAIT sockets
 * (README, Performance). A file laid out as the kernel does shows where it stops; a real
 * listener shows the real files still answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listenersOn } from "../../src/worker/foreign-holder.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "uc-scan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
/** One /proc/net/tcp line: 127.0.0.1:port in state `st` with `inode`. */
const line = (i: number, port: number, st: string, inode: number) =>
  `${String(i).padStart(4)}: 0100007F:${port.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

describe.runIf(process.platform === "linux")("listenersOn", () => {
  it("finds a listener past a 64 KB chunk boundary, and stops at the first socket that is not listening", () => {
    const rows = [HEADER];
    // 700 listeners (~100 KB: the one we look for sits in the second read), then TIME_WAIT
    // sockets, then a listener on our port that a full read would find.
    for (let i = 0; i < 699; i++) rows.push(line(i, 10_000 + i, "0A", 1000 + i));
    rows.push(line(699, 4242, "0A", 7777));
    for (let i = 0; i < 2000; i++) rows.push(line(700 + i, 50_000, "06", 0));
    rows.push(line(2700, 4242, "0A", 9999));
    const file = path.join(dir, "tcp");
    writeFileSync(file, `${rows.join("\n")}\n`);
    expect(listenersOn(4242, [file])).toEqual([{ address: "127.0.0.1", inode: "7777" }]);
  });

  it("no file readable: unknown (undefined), not 'none'", () => {
    expect(listenersOn(4242, [path.join(dir, "missing")])).toBeUndefined();
  });

  it("on the real /proc files: a server listening on 127.0.0.1 is found", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      expect(listenersOn(port)?.map((l) => l.address)).toEqual(["127.0.0.1"]);
    } finally {
      server.close();
    }
  });
});
