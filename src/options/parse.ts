/**
 * Parsers for human-written option values ("10s", "512M", "3"), each naming the option as the
 * reader wrote it. Invalid input is a UniclusterError with code E_USAGE, never a crash.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";

/** The longest a timer can wait (2^31 - 1 ms); a longer one fires at once in every runtime. */
const MAX_TIMER_MS = 2_147_483_647;

/** Parses a duration: `1500`, `1500ms`, `10s`, `2m`. Returns milliseconds. */
export function parseDuration(name: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(value).trim());
  if (!m) throw usageError(`${name} must be a duration such as 5000, 5000ms, 5s or 1m, not "${value}"`);
  const factor = m[2] === "s" ? 1000 : m[2] === "m" ? 60_000 : 1;
  const ms = Math.round(Number(m[1]) * factor);
  if (ms > MAX_TIMER_MS) throw usageError(`${name} is too large: ${value}`);
  return ms;
}

/** One mebibyte: the smallest memory limit a runtime fits in. */
export const MIB = 1024 * 1024;

/** Parses a size: `1048576`, `512K`, `512M`, `1G`, `512MB` (binary units). Returns bytes. */
export function parseSize(name: string, value: number | string | undefined, min = MIB): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(String(value).trim());
  if (!m) throw usageError(`${name} must be a size such as 512M or 1G, not "${value}"`);
  const unit = m[2]!.toLowerCase();
  const bytes = Math.round(Number(m[1]) * (unit === "g" ? 1024 ** 3 : unit === "m" ? 1024 ** 2 : unit === "k" ? 1024 : 1));
  if (bytes < min) throw usageError(`${name} ${value} is below ${min / MIB}M: no runtime fits in that`);
  return bytes;
}

/** A count given as a number (the library's form), at least `min`. */
export function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw usageError(`${name} must be a whole number >= ${min}, not ${value}`);
  return value;
}

/** A count written as text (a flag's value): digits only; the bounds are checked by wholeNumber. */
export function wholeNumberText(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text)) throw usageError(`${name} must be a whole number >= ${min}, not "${text}"`);
  return Number(text);
}

/** A file path made absolute; its directory must exist (we never create directories). */
export function filePath(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw usageError(`${name} must be a file path`);
  const file = path.resolve(value);
  let dir: boolean;
  try {
    dir = statSync(path.dirname(file)).isDirectory();
  } catch {
    dir = false;
  }
  if (!dir) throw usageError(`${name} ${value}: directory ${path.dirname(file)} does not exist`);
  return file;
}
