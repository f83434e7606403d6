import { useEffect, useRef } from 'preact/hooks'
import { DropList } from './drop-list'
import { DropPage } from './drop-page'
import { Orders } from './orders'
import { Link, parseRoute, usePath } from './router'
import { signOut, useMe } from './session'

export function App() {
  const path = usePath()
  const route = parseRoute(path)
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  // After an in-page navigation, focus moves to the new page (screen readers announce it; Tab starts there).
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus()
    scrollTo(0, 0)
  }, [path])
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <Header path={path} />
      <main id="main" ref={main}>
        {route.name === 'home' && <DropList />}
        {route.name === 'drop' && <DropPage key={route.dropId} dropId={route.dropId} />}
        {route.name === 'orders' && <Orders />}
        {route.name === 'missing' && <h1 tabIndex={-1}>Page not found</h1>}
      </main>
      <footer>
        Built on <code>@livedrop/sdk</code> · <a href="/docs">API reference</a>
      </footer>
    </>
  )
}

function Header({ path }: { path: string }) {
  const { me } = useMe()
  return (
    <header>
      <Link href="/" class="brand">
        LiveDrop
      </Link>
      <nav aria-label="Main">
        <Link href="/" aria-current={path === '/' ? 'page' : undefined}>
          Drops
        </Link>
        <Link href="/orders" aria-current={path === '/orders' ? 'page' : undefined}>
          My orders
        </Link>
      </nav>
      {me && (
        <div class="account">
          <span>
            Signed in as <strong>{me.username}</strong>
          </span>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
    </header>
  )
}
