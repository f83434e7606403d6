import type { Me } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import { CliError, EXIT, UsageError, unwrap } from '../errors'
import { createPrompter, readAll } from '../prompt'
import { str } from '../parse'
import type { Context } from '../context'

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

export const logout = defineCommand<Record<string, never>>({
  name: 'logout',
  summary: 'Revoke the saved session and forget it',
  examples: ['livedrop logout', 'livedrop --profile staging logout'],
  parse: () => ({}),
  async run(ctx) {
    const saved = ctx.config.profile(ctx.profileName)
    if (!saved.refreshToken) {
      ctx.info(`Not logged in (profile "${ctx.profileName}")`)
    } else {
      // The server revokes the refresh token's whole family (also when LIVEDROP_TOKEN is what commands use now).
      const revoked = await ctx.sdk().POST('/v1/auth/logout', { body: { refreshToken: saved.refreshToken } })
        .then((r) => r.response.ok, () => false)
      ctx.config.update(ctx.profileName, (p) => ({ ...p, accessToken: undefined, refreshToken: undefined }))
      ctx.info(`${ctx.err.green('✓')} Logged out of ${saved.apiUrl ?? ctx.apiUrl} (profile "${ctx.profileName}")`)
      if (!revoked) ctx.info(ctx.err.yellow('! the server did not confirm the revocation: the session was forgotten here only'))
    }
    if (ctx.tokenSource === 'env') ctx.info(ctx.err.yellow('! LIVEDROP_TOKEN is still set in the environment'))
    ctx.print({ loggedOut: true, profile: ctx.profileName }, () => '')
  },
})

export const whoami = defineCommand<Record<string, never>>({
  name: 'whoami',
  summary: 'Show who you are logged in as',
  examples: ['livedrop whoami', 'livedrop whoami --json'],
  parse: () => ({}),
  async run(ctx) {
    const me = unwrap(await ctx.authed().GET('/v1/me'))
    ctx.print(me, () => describeMe(ctx, me))
  },
})

function describeMe(ctx: Context, me: Me): string {
  const c = ctx.out
  const creator = me.creator ? `@${me.creator.handle} (${me.creator.displayName}) ${c.dim(me.creator.id)}` : c.dim('not a creator yet: livedrop creators create')
  return [
    `${c.bold(me.username)} <${me.email}>`,
    `  user      ${me.id}`,
    `  creator   ${creator}`,
    `  api       ${ctx.apiUrl}`,
    `  profile   ${ctx.profileName}${ctx.tokenSource === 'env' ? ' (token from LIVEDROP_TOKEN)' : ''}`,
  ].join('\n') + '\n'
}

/** The caller's creator id, for `--mine`; a clear error when the caller is not a creator. */
export async function myCreatorId(ctx: Context): Promise<string> {
  const me = unwrap(await ctx.authed().GET('/v1/me'))
  if (!me.creator) throw new CliError('you are not a creator yet', { exitCode: EXIT.failure, code: 'NOT_A_CREATOR', hint: 'Run `livedrop creators create --handle <handle> --display-name <name>`.' })
  return me.creator.id
}

export const authCommands: CommandGroup = { name: null, summary: 'Session', commands: [login, logout, whoami] }
