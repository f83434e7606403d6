import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/** History-API routing over the three server paths that serve this page: `/`, `/drops/{id}`, `/orders`. */
export type Route = { name: 'home' } | { name: 'drop'; dropId: string } | { name: 'orders' } | { name: 'missing' }

export function parseRoute(path: string): Route {
  if (path === '/') return { name: 'home' }
  if (path === '/orders') return { name: 'orders' }
  const drop = /^\/drops\/([^/]+)$/.exec(path)
  if (drop) return { name: 'drop', dropId: decodeURIComponent(drop[1]!) }
  return { name: 'missing' }
}

export function navigate(path: string) {
  if (path === location.pathname) return
  history.pushState(null, '', path)
  dispatchEvent(new PopStateEvent('popstate'))
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const onPop = () => setPath(location.pathname)
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  return path
}

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' }) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(props.href)
  }
  return (
    <a href={props.href} class={props.class} aria-current={props['aria-current']} onClick={onClick}>
      {props.children}
    </a>
  )
}
