/**
 * The pages that run one script unit (issue #13, scale). A module deep in an import chain
 * is run by most pages of a large site, so "which pages run which module" has up to
 * pages × modules members: as strings in a Set per unit that was the checker's largest
 * cost at 20,000 files (time and gigabytes). Here a set holds page numbers, switches to a
 * bitset once it is large, and passes pages on along imports a machine word (32 pages) at a time.
 * Iteration is always in page-number order (the order pages were registered).
 */
export class PageIndex {
  private readonly numbers = new Map<string, number>()
  readonly files: string[] = []

  /** The page's number, registering it on first sight. */
  number(page: string): number {
    let n = this.numbers.get(page)
    if (n === undefined) {
      n = this.files.length
      this.numbers.set(page, n)
      this.files.push(page)
    }
    return n
  }

  get(page: string): number | undefined {
    return this.numbers.get(page)
  }
}

/** Above this many pages a set is a bitset (a small set of numbers costs less below it). */
const BITSET_FROM = 64

export class PageSet implements Iterable<string> {
  private small: number[] | undefined = []
  private bits: Uint32Array | undefined
  private count = 0

  constructor(private readonly index: PageIndex) {}

  get size(): number {
    return this.count
  }

  has(page: string): boolean {
    const n = this.index.get(page)
    return n !== undefined && this.hasNumber(n)
  }

  add(page: string): this {
    this.addNumber(this.index.number(page))
    return this
  }

  /** Add every page of `other`; returns the pages that were not here yet (empty when none). */
  addAll(other: PageSet): PageSet {
    const added = new PageSet(this.index)
    if (other.bits && (this.bits || this.count + other.count > BITSET_FROM)) {
      this.toBits()
      const mine = this.grow(other.bits.length)
      const theirs = other.bits
      const fresh = new Uint32Array(theirs.length)
      let freshCount = 0
      for (let w = 0; w < theirs.length; w++) {
        const f = theirs[w] & ~mine[w]
        if (f === 0) continue
        mine[w] |= f
        fresh[w] = f
        freshCount += popcount(f)
      }
      this.count += freshCount
      if (freshCount > 0) {
        added.small = undefined
        added.bits = fresh
        added.count = freshCount
      }
      return added
    }
    for (const n of other.numbers()) if (this.addNumber(n)) added.addNumber(n)
    return added
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const n of this.numbers()) yield this.index.files[n]
  }

  /** Page numbers in ascending order. */
  *numbers(): Generator<number> {
    if (this.small) {
      yield* [...this.small].sort((a, b) => a - b)
      return
    }
    const bits = this.bits ?? new Uint32Array(0)
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]
      while (word !== 0) {
        const low = word & -word
        yield w * 32 + (31 - Math.clz32(low))
        word ^= low
      }
    }
  }

  private hasNumber(n: number): boolean {
    if (this.small) return this.small.includes(n)
    const bits = this.bits!
    const w = n >>> 5
    return w < bits.length && (bits[w] & (1 << (n & 31))) !== 0
  }

  /** True when `n` was not in the set. */
  private addNumber(n: number): boolean {
    if (this.hasNumber(n)) return false
    this.count++
    if (this.small) {
      this.small.push(n)
      if (this.small.length > BITSET_FROM) this.toBits()
      return true
    }
    const bits = this.grow((n >>> 5) + 1)
    bits[n >>> 5] |= 1 << (n & 31)
    return true
  }

  private toBits(): void {
    if (!this.small) return
    const numbers = this.small
    this.small = undefined
    this.bits = new Uint32Array(0)
    for (const n of numbers) {
      const bits = this.grow((n >>> 5) + 1)
      bits[n >>> 5] |= 1 << (n & 31)
    }
  }

  /** The bitset, at least `words` long (grown by doubling). */
  private grow(words: number): Uint32Array {
    const bits = this.bits!
    if (bits.length >= words) return bits
    const next = new Uint32Array(Math.max(words, bits.length * 2))
    next.set(bits)
    this.bits = next
    return next
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}
