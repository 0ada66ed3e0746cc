export interface Metric {
  value: number
  unit: string
  /** Human-readable target, e.g. "<= 1000". Informational; benches never fail on it. */
  target?: string
  note?: string
}
export type BenchResult = Record<string, Metric>
