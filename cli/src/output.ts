/** Where a command writes: data to `stdout`, everything meant for the person at the keyboard to `stderr`. */
export interface Stream {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

export type Paint = (s: string) => string
export interface Palette {
  enabled: boolean
  bold: Paint
  dim: Paint
  red: Paint
  green: Paint
  yellow: Paint
  cyan: Paint
}

const sgr = (open: number, close: number): Paint => (s) => `\x1b[${open}m${s}\x1b[${close}m`

export function palette(enabled: boolean): Palette {
  const id: Paint = (s) => s
  return enabled
    ? { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) }
    : { enabled, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g
export const visibleLength = (s: string) => s.replace(ANSI, '').length

export interface Column<T> {
  header: string
  value: (row: T) => string
  align?: 'left' | 'right'
}

/** A plain aligned table (gh style: upper-case headers, two spaces between columns, no borders). */
export function table<T>(rows: T[], columns: Column<T>[], c: Palette): string {
  const cells = rows.map((r) => columns.map((col) => col.value(r)))
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((row) => visibleLength(row[i]))))
  const pad = (s: string, i: number) => {
    const gap = ' '.repeat(widths[i] - visibleLength(s))
    return columns[i].align === 'right' ? gap + s : s + gap
  }
  const line = (row: string[]) => row.map(pad).join('  ').trimEnd()
  return [c.bold(line(columns.map((col) => col.header))), ...cells.map(line)].join('\n') + '\n'
}

/** `[██████░░░░░░]` filled in proportion to `value / total`. */
export function progressBar(value: number, total: number, width: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, value / total)) : 0
  const filled = Math.round(ratio * width)
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`
}

/** Minor units → "19.99 EUR", with the currency's own number of decimals. */
export function formatMoney(cents: number, currency: string): string {
  const digits = currencyDigits(currency)
  return `${(cents / 10 ** digits).toFixed(digits)} ${currency}`
}

export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}
