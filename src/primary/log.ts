/**
 * The launcher's own log lines, structured: every call names a stable event (`worker.start`,
 * `reload.finish`, ...) and its facts besides the text a person reads. `--log-format text` (the
 * default) writes the text exactly as before, `unicluster: <text>` on stderr; `json` writes one
 * JSON object per line: `time` (ISO), `level`, `event`, `worker`, `pid`, the event's fields and
 * `msg` (the text). Event names are part of the interface: renaming one breaks a user's alert.
 */

export type LogLevel = "info" | "warn" | "error";
export type LogFormat = "text" | "json";

/** What one log call says besides its text. */
export interface LogFields {
  /** A stable name, `area.what`: `worker.exit`, `cluster.ready`. */
  readonly event: string;
  /** Default: info. */
  readonly level?: LogLevel;
  /** The worker's slot (1..N), when the line is about one. */
  readonly worker?: number;
  readonly pid?: number;
  /** A stack trace: text mode writes it as a line of its own after the text, as before. */
  readonly stack?: string;
  readonly [field: string]: unknown;
}

/** The launcher's log: the text a person reads, and the facts a machine reads. */
export type Log = (text: string, fields: LogFields) => void;

/** One JSON log line (no newline), keys in a fixed order: time, level, event, worker, pid, fields, msg. */
export function jsonLine(text: string, fields: LogFields): string {
  const { event, level = "info", worker, pid, ...rest } = fields;
  const obj: Record<string, unknown> = { time: new Date().toISOString(), level, event };
  if (worker !== undefined) obj.worker = worker;
  if (pid !== undefined) obj.pid = pid;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) obj[k] = v;
  obj.msg = text;
  return JSON.stringify(obj);
}

/**
 * The log in `format`, writing through `sink` (the library's `log` option gets each line as
 * text: `worker 1 (pid 7) started` in text mode, the JSON object's text in json mode).
 */
export function makeLog(format: LogFormat, sink: (line: string) => void): Log {
  if (format === "json") return (text, fields) => sink(jsonLine(text, fields));
  return (text, fields) => {
    sink(text);
    if (fields.stack) sink(fields.stack);
  };
}

/** Where the launcher's lines go by default: stderr, each text line prefixed `unicluster: `. */
export function stderrSink(format: LogFormat): (line: string) => void {
  return format === "json" ? (line) => void process.stderr.write(`${line}\n`) : (line) => void process.stderr.write(`unicluster: ${line}\n`);
}

/** A log that writes nothing (`log: false`, `--quiet`). */
export const silentLog: Log = () => {};
