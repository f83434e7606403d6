import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { CliError, EXIT } from './errors'
import type { Runtime } from './context'

export interface Prompter {
  /** Asks on stderr and reads one line; `secret` answers are not echoed. */
  ask(question: string, opts?: { secret?: boolean }): Promise<string>
  close(): void
}

/**
 * One readline over stdin for every question of a command (separate interfaces would each buffer ahead and
 * lose lines of piped input). Echo goes through a Writable that swallows the typed characters while a secret
 * is being entered; on a terminal readline sets raw mode, so nothing else echoes them.
 */
export function createPrompter(rt: Runtime): Prompter {
  let muted = false
  const output = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (!muted) rt.stderr.write(chunk.toString())
      cb()
    },
  })
  const rl = createInterface({ input: rt.stdin, output, terminal: Boolean(rt.stdin.isTTY) })
  let closed = false
  rl.on('close', () => (closed = true))
  return {
    ask(question, opts = {}) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new CliError('no more input to read', { exitCode: EXIT.usage, code: 'NO_INPUT' }))
        // Ctrl-C on a terminal in raw mode arrives as readline's SIGINT event (the prompt's own), or, where the
        // terminal still sends the signal, as the process interrupt (rt.signal). Either is the user's "stop": 130.
        const onSigint = () => {
          rl.off('close', onClose) // closing below must not read as "input ended"
          rt.signal?.removeEventListener('abort', onSigint)
          muted = false
          rt.stderr.write('\n')
          rl.close()
          reject(new CliError('cancelled', { exitCode: EXIT.interrupted, code: 'CANCELLED' }))
        }
        const onClose = () => {
          rt.signal?.removeEventListener('abort', onSigint)
          reject(rt.signal?.aborted ? new CliError('cancelled', { exitCode: EXIT.interrupted, code: 'CANCELLED' }) : new CliError('input ended before an answer', { exitCode: EXIT.usage, code: 'NO_INPUT' }))
        }
        rl.once('SIGINT', onSigint)
        rl.once('close', onClose)
        rt.signal?.addEventListener('abort', onSigint, { once: true })
        rt.stderr.write(question)
        muted = Boolean(opts.secret)
        rl.question('', (answer) => {
          rl.off('SIGINT', onSigint)
          rl.off('close', onClose)
          rt.signal?.removeEventListener('abort', onSigint)
          if (muted) rt.stderr.write('\n')
          muted = false
          resolve(answer)
        })
      })
    },
    close: () => rl.close(),
  }
}

/** All of stdin as text (for --password-stdin and `-` files). */
export async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}
