import { defineCommand } from '../../command'
import { dropIdArg } from './show'
import { watchDrop } from './watch-view'

export const watch = defineCommand<{ dropId: string }>({
  name: 'watch <dropId>',
  summary: 'Follow a drop live: status, countdown, stock and orders/s',
  description:
    'Follow a drop as it happens, from its event stream. On a terminal: a live view of the status, the countdown ' +
    'to the start, the stock left with a bar and the orders per second. Otherwise (or with --json): one JSON ' +
    'event per line. Stops when the drop ends or is cancelled, or on Ctrl-C (exit 0 either way).',
  examples: ['livedrop drops watch <dropId>', 'livedrop drops watch <dropId> --json | jq -c .'],
  parse: dropIdArg,
  run: (ctx, o) => watchDrop(ctx, o.dropId),
})
