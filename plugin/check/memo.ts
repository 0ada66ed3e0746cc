/**
 * A memo keyed by two values (#13, scale). Joining them into one string key (`${kind}\0${code}`)
 * copies the whole text on every look-up; a map per first key does not.
 */
export class Memo2<A, B, V> {
  private readonly maps = new Map<A, Map<B, V>>()

  get(a: A, b: B, make: () => V): V {
    let inner = this.maps.get(a)
    if (!inner) this.maps.set(a, (inner = new Map<B, V>()))
    const known = inner.get(b)
    if (known !== undefined || inner.has(b)) return known as V
    const value = make()
    inner.set(b, value)
    return value
  }
}
