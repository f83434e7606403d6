import { useEffect, useState } from 'preact/hooks'
import type { Product } from '@livedrop/sdk'
import { ld } from './session'

/** The current time, refreshed every second while the component is shown (countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  return now
}

// Products do not change during a visit in ways this page shows; one request per product is enough.
const products = new Map<string, Promise<Product | null>>()
export function productOf(id: string): Promise<Product | null> {
  let p = products.get(id)
  if (!p) {
    p = ld.GET('/v1/products/{productId}', { params: { path: { productId: id } } }).then((r) => r.data ?? null, () => null)
    products.set(id, p)
  }
  return p
}

/** undefined while loading, null when it could not be read. */
export function useProduct(id: string | undefined): Product | null | undefined {
  const [product, setProduct] = useState<Product | null | undefined>(undefined)
  useEffect(() => {
    if (!id) return
    let on = true
    void productOf(id).then((p) => on && setProduct(p))
    return () => void (on = false)
  }, [id])
  return product
}
