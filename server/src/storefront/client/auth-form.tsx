import { useId, useState } from 'preact/hooks'
import { signIn, signUp } from './session'

/** Inline sign-in with a switch to sign-up, so buying never leaves the drop page. */
export function AuthForm({ title }: { title: string }) {
  const [mode, setMode] = useState<'in' | 'up'>('in')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault()
    const form = new FormData(e.currentTarget as HTMLFormElement)
    const value = (k: string) => String(form.get(k) ?? '')
    setBusy(true)
    setError(null)
    try {
      setError(mode === 'in' ? await signIn(value('email'), value('password')) : await signUp(value('username'), value('email'), value('password')))
    } catch {
      setError('Could not reach the API. Try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="auth" onSubmit={onSubmit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{mode === 'in' ? title : 'Create an account'}</h2>
      {mode === 'up' && (
        <label>
          Username
          <input name="username" autocomplete="username" required minLength={3} maxLength={32} pattern="[A-Za-z0-9_]+" title="Letters, digits and underscore" />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" autocomplete="email" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autocomplete={mode === 'in' ? 'current-password' : 'new-password'} required minLength={mode === 'up' ? 8 : undefined} />
      </label>
      {error && (
        <p role="alert" class="notice error">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {mode === 'in' ? 'Sign in' : 'Create account'}
      </button>
      <p class="switch">
        {mode === 'in' ? 'New here? ' : 'Have an account? '}
        <button type="button" class="link" onClick={() => (setMode(mode === 'in' ? 'up' : 'in'), setError(null))}>
          {mode === 'in' ? 'Create an account' : 'Sign in instead'}
        </button>
      </p>
    </form>
  )
}
