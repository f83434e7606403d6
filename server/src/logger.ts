import pino from 'pino'
import type { Config } from './config'

export type Logger = pino.Logger

/** Structured JSON logs on stdout. Query parameters and bodies are never logged. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'livedrop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'refreshToken', '*.refreshToken', 'authorization'], remove: true },
  })
}
