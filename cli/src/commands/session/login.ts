import { defineCommand } from '../../command'
import { UsageError, unwrap } from '../../errors'
import { createPrompter, readAll } from '../../prompt'
import { str } from '../../parse'

export interface LoginOptions {
  email?: string
  passwordStdin: boolean
}

export const login = defineCommand<LoginOptions>({
  name: 'login',
  summary: 'Log in and save the session in the profile',
  description: 'Log in with your email and password. The password is read without echo, or from stdin with --password-stdin. ' +
    'The session (a refreshable token pair) is saved under $XDG_CONFIG_HOME/livedrop (mode 0600) for the profile.',
  examples: [
    'livedrop login',
    'livedrop login --email ada@example.com',
    'echo "$PASSWORD" | livedrop login --email ada@example.com --password-stdin',
    'livedrop --profile staging --api-url https://staging.livedrop.example login',
  ],
  configure: (cmd) => cmd.option('--email <email>', 'account email (asked for when missing)').option('--password-stdin', 'read the password from stdin'),
  parse({ opts, penv }) {
    const email = str(opts, 'email')?.trim()
    const passwordStdin = Boolean(opts.passwordStdin)
    if (passwordStdin && !email) throw new UsageError('--password-stdin needs --email')
    if (!passwordStdin && !penv.stdinIsTTY) throw new UsageError('no terminal to ask for the password', 'Pass --email and pipe the password with --password-stdin.')
    return { email, passwordStdin }
  },
  async run(ctx, o) {
    let email = o.email
    let password: string
    if (o.passwordStdin) {
      password = (await readAll(ctx.rt.stdin)).replace(/\r?\n$/, '')
    } else {
      const prompter = createPrompter(ctx.rt)
      try {
        if (!email) email = (await prompter.ask('Email: ')).trim()
        password = await prompter.ask('Password: ', { secret: true })
      } finally {
        prompter.close()
      }
    }
    if (!email) throw new UsageError('an email is required')
    if (!password) throw new UsageError('a password is required')
    const session = unwrap(await ctx.sdk().login({ email, password }))
    ctx.config.update(ctx.profileName, (p) => ({ ...p, apiUrl: ctx.apiUrl, email, accessToken: session.accessToken, refreshToken: session.refreshToken }))
    ctx.print(session.user, () => '')
    ctx.info(`${ctx.err.green('✓')} Logged in to ${ctx.apiUrl} as ${ctx.err.bold(session.user.username)} (profile "${ctx.profileName}")`)
    if (ctx.tokenSource === 'env') ctx.info(ctx.err.yellow('! LIVEDROP_TOKEN is set: it is used instead of this login until you unset it'))
  },
})
