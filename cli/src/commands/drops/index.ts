import type { CommandGroup } from '../../command'
import { auditDrop } from './audit'
import { cancelDrop } from './cancel'
import { getDrop } from './get'
import { listDrops } from './list'
import { scheduleDrop } from './schedule'
import { updateDrop } from './update'
import { watch } from './watch'

export type { DropDraft } from './draft'
export type { ScheduleOptions } from './schedule'
export type { UpdateDropOptions } from './update'

export const dropsCommands: CommandGroup = {
  name: 'drops',
  summary: 'Schedule, follow and manage drops',
  commands: [scheduleDrop, listDrops, getDrop, updateDrop, cancelDrop, watch, auditDrop],
}
