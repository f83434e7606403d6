import { render } from 'preact'
import { App } from './app'
import { loadMe } from './session'

void loadMe()
const root = document.getElementById('app')!
root.replaceChildren() // the "Loading…" placeholder of the HTML shell
render(<App />, root)
