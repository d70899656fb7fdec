/**
 * Cron schedules as the CronJob controller reads them (robfig/cron's standard parser): 5 fields
 * (minute hour day-of-month month day-of-week) with `*`, `?`, ranges, steps, lists, month and
 * weekday names (7 = Sunday), the macros @yearly/@annually/@monthly/@weekly/@daily/@midnight/
 * @hourly and `@every <duration>`, evaluated in an IANA time zone (default UTC). Day-of-month and
 * day-of-week restrict together only if both are not `*` (then either matches), as cron does.
 */

/** CronScheduleError is an unparseable schedule or an unknown time zone. */
export class CronScheduleError extends Error {
  override readonly name = 'CronScheduleError';
}

/** Schedule answers the next activation strictly after a time. */
export interface Schedule {
  /** next is the first activation strictly after afterMs (epoch ms), or undefined within the search horizon. */
  next(afterMs: number): number | undefined;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  values: Set<number>;
  star: boolean;
}

function parseValue(s: string, names: string[] | undefined, offset: number): number {
  const i = names ? names.indexOf(s.toUpperCase()) : -1;
  if (i >= 0) return i + offset;
  if (!/^\d+$/.test(s)) throw new CronScheduleError(`failed to parse int from ${s}`);
  return Number(s);
}

function parseField(spec: string, min: number, max: number, names?: string[], nameOffset = 0): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of spec.split(',')) {
    const [range, stepS] = part.split('/');
    const step = stepS === undefined ? 1 : Number(stepS);
    if (!Number.isInteger(step) || step <= 0) throw new CronScheduleError(`bad step in ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [min, max];
      if (stepS === undefined) star = true;
    } else {
      const [a, b] = range.split('-');
      lo = parseValue(a, names, nameOffset);
      hi = b === undefined ? (stepS === undefined ? lo : max) : parseValue(b, names, nameOffset);
    }
    if (lo < min || hi > max || lo > hi) throw new CronScheduleError(`value out of range (${min}-${max}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** zoneOffsetMs is the offset of timeZone from UTC at utcMs (local = utc + offset). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new CronScheduleError(`unknown time zone ${timeZone}`);
    }
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** HORIZON_MS bounds the search for the next activation (e.g. Feb 30 never comes). */
const HORIZON_MS = 5 * 366 * 86_400_000;

/** parseSchedule parses a cron schedule for timeZone (default UTC); throws CronScheduleError. */
export function parseSchedule(schedule: string, timeZone = 'UTC'): Schedule {
  zoneOffsetMs(timeZone, 0); // validates the zone
  const s = schedule.trim();
  const every = /^@every\s+(.+)$/.exec(s);
  if (every) {
    const ms = parseDuration(every[1]);
    return { next: (after) => Math.floor((after + ms) / 1000) * 1000 };
  }
  const fields = (MACROS[s] ?? s).split(/\s+/);
  if (fields.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${fields.length}: ${schedule}`);
  const minute = parseField(fields[0], 0, 59);
  const hour = parseField(fields[1], 0, 23);
  const dom = parseField(fields[2], 1, 31);
  const month = parseField(fields[3], 1, 12, MONTHS, 1);
  const dow = parseField(fields[4], 0, 7, DAYS, 0);
  if (dow.values.has(7)) dow.values.add(0);
  const dayMatches = (d: Date): boolean => {
    const a = dom.values.has(d.getUTCDate());
    const b = dow.values.has(d.getUTCDay());
    return dom.star || dow.star ? a && b : a || b;
  };
  return {
    next(afterMs) {
      // Walk local wall time (as fake UTC), skipping whole months, days and hours that cannot match.
      let t = Math.floor((afterMs + zoneOffsetMs(timeZone, afterMs)) / 60_000) * 60_000 + 60_000;
      const end = t + HORIZON_MS;
      while (t < end) {
        const d = new Date(t);
        const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
        if (!month.values.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
        else if (!dayMatches(d)) t = Date.UTC(y, mo, day + 1);
        else if (!hour.values.has(h)) t = Date.UTC(y, mo, day, h + 1);
        else if (!minute.values.has(d.getUTCMinutes())) t += 60_000;
        else {
          const guess = t - zoneOffsetMs(timeZone, t);
          const utc = t - zoneOffsetMs(timeZone, guess);
          if (utc > afterMs) return utc;
          t += 60_000;
        }
      }
      return undefined;
    },
  };
}

/** parseDuration reads a Go duration ("1h30m", "90s", "500ms"). */
export function parseDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = s.trim();
  if (rest === '') throw new CronScheduleError(`bad duration ${s}`);
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/.exec(rest);
    if (!m) throw new CronScheduleError(`bad duration ${s}`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  if (total <= 0) throw new CronScheduleError(`bad duration ${s}`);
  return total;
}
