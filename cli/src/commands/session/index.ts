import type { CommandGroup } from '../../command'
import { login } from './login'
import { logout } from './logout'
import { whoami } from './whoami'

export { myCreatorId } from './whoami'

export const sessionCommands: CommandGroup = { name: null, summary: 'Session', commands: [login, logout, whoami] }
