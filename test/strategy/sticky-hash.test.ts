import { describe, expect, it } from "vitest";
import { pickSlot } from "../../src/strategy/sticky-hash.js";

const clients = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`);
const assign = (ids: number[]) => new Map(clients.map((c) => [c, pickSlot(c, ids)!]));

describe("pickSlot: rendezvous hashing over slot ids", () => {
  it("is a function of the client and the set of ids (order does not matter)", () => {
    for (const c of clients.slice(0, 50)) expect(pickSlot(c, [3, 1, 2])).toBe(pickSlot(c, [1, 2, 3]));
    expect(pickSlot("x", [])).toBeUndefined();
  });

  it("spreads clients evenly: each of 4 slots gets 25% +- 5%", () => {
    const counts = new Map<number, number>();
    for (const id of assign([1, 2, 3, 4]).values()) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of [1, 2, 3, 4]) expect(Math.abs((counts.get(id) ?? 0) / clients.length - 0.25)).toBeLessThan(0.05);
  });

  it("removing a slot moves only its own clients; adding one takes clients only onto itself", () => {
    const four = assign([1, 2, 3, 4]);
    const three = assign([1, 2, 4]);
    for (const c of clients) if (four.get(c) !== 3) expect(three.get(c)).toBe(four.get(c));
    const five = assign([1, 2, 3, 4, 5]);
    let moved = 0;
    for (const c of clients) {
      if (five.get(c) !== four.get(c)) {
        expect(five.get(c)).toBe(5);
        moved++;
      }
    }
    // About a fifth of the clients go to the new slot.
    expect(Math.abs(moved / clients.length - 0.2)).toBeLessThan(0.05);
  });
});
