/**
 * Resource quantities (resource.Quantity): "500m", "1Gi", "1e3", "128974848", "129e6", "123Mi".
 * Components compare quantities as plain numbers in base units (cores, bytes, counts); cpu is
 * handled in integer millicores so sums never drift.
 */

/** QuantityError: a string that is not a Kubernetes quantity. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(readonly input: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "${input}")`);
  }
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** parseQuantity returns a quantity in base units ("500m" → 0.5, "1Gi" → 1073741824); throws QuantityError. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(String(q));
    return q;
  }
  const m = QUANTITY_RE.exec(q.trim());
  if (!m || q.trim() !== q) throw new QuantityError(q);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  const mult = BINARY[suffix] ?? DECIMAL[suffix];
  return base * mult;
}

/** cpuMillis returns a cpu quantity in millicores, rounded up like Quantity.MilliValue ("0.1" → 100). */
export function cpuMillis(q: string | number | undefined): number {
  if (q === undefined) return 0;
  // Round the product first: 0.1 * 1000 is 100.00000000000001 in binary floating point.
  return Math.ceil(Math.round(parseQuantity(q) * 1e9) / 1e6);
}

/** bytes returns a memory quantity in bytes, rounded up like Quantity.Value. */
export function bytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  return Math.ceil(Math.round(parseQuantity(q) * 1e3) / 1e3);
}

/**
 * formatQuantity renders base units canonically: 'BinarySI' picks the largest exact Ki/Mi/Gi…
 * (1073741824 → "1Gi"), 'DecimalSI' uses m for fractions and k/M/G… for exact multiples
 * (0.5 → "500m", 2000 → "2k"), as resource.Quantity.String() does.
 */
export function formatQuantity(value: number, format: 'BinarySI' | 'DecimalSI' = 'DecimalSI'): string {
  if (!Number.isFinite(value)) throw new QuantityError(String(value));
  if (value === 0) return '0';
  if (format === 'BinarySI' && Number.isInteger(value)) {
    for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (Math.abs(value) >= BINARY[s] && value % BINARY[s] === 0) return `${value / BINARY[s]}${s}`;
    }
    return String(value);
  }
  if (!Number.isInteger(value)) {
    const milli = Math.round(value * 1000);
    if (Math.abs(value * 1000 - milli) < 1e-6) return `${milli}m`;
    const nano = Math.round(value * 1e9);
    return nano % 1000 === 0 ? `${nano / 1000}u` : `${nano}n`;
  }
  for (const s of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const d = DECIMAL[s];
    if (Math.abs(value) >= d && value % d === 0) return `${value / d}${s}`;
  }
  return String(value);
}
