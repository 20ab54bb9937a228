/**
 * Which worker a client belongs to: rendezvous (highest random weight) hashing over the live
 * slot ids. Each slot scores hash(client, slot) and the highest wins, so removing a slot moves
 * only its own clients (each to its second choice), adding one takes from each slot only the
 * clients that now score highest on it, and a slot whose worker is replaced keeps its clients
 * (the id stays; the reload hands them to the replacement once). No table to rebuild, O(slots)
 * per connection: fine for the tens of slots one machine runs.
 */

/** FNV-1a, 32 bits, over the string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: FNV's low bits alone spread poorly over a few slots. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The slot among `ids` that `client` hashes to; undefined when there is none. Ties: the lower id. */
export function pickSlot(client: string, ids: readonly number[]): number | undefined {
  const base = fnv1a(client);
  let best: number | undefined;
  let bestScore = -1;
  for (const id of ids) {
    const score = mix(base ^ Math.imul(id, 0x9e3779b1));
    if (score > bestScore || (score === bestScore && best !== undefined && id < best)) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}
