import pino from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config'
import { currentRequest } from './lib/request-context'

export type Logger = pino.Logger

/**
 * Structured JSON logs on stdout; in dev at a terminal, the same entries as readable coloured lines
 * (pino-pretty as a synchronous stream in this process: no worker thread). Query parameters and bodies are
 * never logged. Lines written during a request carry its requestId (and traceId): lib/request-context.ts.
 */
export function createLogger(config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'logFormat'>>): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'livedrop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'refreshToken', '*.refreshToken', 'authorization'], remove: true },
    // Every line written while a request runs names it: its request id (what the client was told) and, when
    // tracing is on, its trace id (what to look up in the tracing backend).
    mixin() {
      const r = currentRequest()
      if (!r) return {}
      return r.traceId ? { requestId: r.requestId, traceId: r.traceId } : { requestId: r.requestId }
    },
  }
  if (config.logFormat !== 'pretty') return pino(options)
  return pino(options, pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }))
}
