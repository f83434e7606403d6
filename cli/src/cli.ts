// The `livedrop` process: wires the real terminal, environment and Ctrl-C into main().
import { main } from './program'

const interrupt = new AbortController()
let interrupted = false
process.on('SIGINT', () => {
  // First Ctrl-C: let the running command stop cleanly (the watch view restores the cursor, a prompt says
  // "cancelled"; both exit 130); a command that does not listen for it, or a second Ctrl-C, ends it with 130.
  if (interrupted) process.exit(130)
  interrupted = true
  interrupt.abort(new Error('interrupted'))
  setTimeout(() => process.exit(130), 1500).unref()
})

const code = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: interrupt.signal,
})
process.exitCode = code
// Keep-alive sockets and a paused stdin must not hold the process open once the command is done.
process.stdout.write('', () => process.exit(code))
