/**
 * An error and the objects on its `cause` chain, outermost first: each once (a cycle ends the
 * walk) and at most `limit` of them. Both clients wrap the network error that explains a failure.
 */
export function causeChain(err: unknown, limit = 8): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = []
  let cur = err
  while (cur !== null && typeof cur === 'object' && chain.length < limit) {
    const link = cur as Record<string, unknown>
    if (chain.includes(link)) break
    chain.push(link)
    cur = link.cause
  }
  return chain
}
