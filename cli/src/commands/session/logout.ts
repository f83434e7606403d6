import { defineCommand } from '../../command'

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
