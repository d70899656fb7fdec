/**
 * Minimal structured loggers for the runtime: JSON lines to stderr, or nothing.
 */
import type { Logger, LogLevel } from './types.js';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * LevelLogger implements the four level methods once; subclasses say where a record goes and
 * how a child is made.
 */
abstract class LevelLogger implements Logger {
  protected abstract emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  abstract child(fields: Record<string, unknown>): Logger;
  debug(msg: string, f?: Record<string, unknown>): void {
    this.emit('debug', msg, f);
  }
  info(msg: string, f?: Record<string, unknown>): void {
    this.emit('info', msg, f);
  }
  warn(msg: string, f?: Record<string, unknown>): void {
    this.emit('warn', msg, f);
  }
  error(msg: string, f?: Record<string, unknown>): void {
    this.emit('error', msg, f);
  }
}

/** JsonLogger writes one JSON object per record to stderr, at or above its level. */
export class JsonLogger extends LevelLogger {
  constructor(
    private readonly fields: Record<string, unknown> = {},
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  ) {
    super();
  }
  protected emit(level: LogLevel, msg: string, f?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    this.write(JSON.stringify({ level, msg, ...this.fields, ...f }, errorReplacer));
  }
  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger({ ...this.fields, ...fields }, this.level, this.write);
  }
}

function errorReplacer(_k: string, v: unknown): unknown {
  return v instanceof Error ? { name: v.name, message: v.message } : v;
}

/** NOOP_LOGGER drops every record (tests and benches). */
export const NOOP_LOGGER: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return NOOP_LOGGER;
  },
};

/** MemoryLogger keeps records in memory, for tests that assert on logs. */
export class MemoryLogger extends LevelLogger {
  readonly records: { level: LogLevel; msg: string; fields: Record<string, unknown> }[];
  constructor(
    private readonly fields: Record<string, unknown> = {},
    records?: { level: LogLevel; msg: string; fields: Record<string, unknown> }[],
  ) {
    super();
    this.records = records ?? [];
  }
  protected emit(level: LogLevel, msg: string, f?: Record<string, unknown>): void {
    this.records.push({ level, msg, fields: { ...this.fields, ...f } });
  }
  child(fields: Record<string, unknown>): Logger {
    return new MemoryLogger({ ...this.fields, ...fields }, this.records);
  }
}
