import pino from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config'

export type Logger = pino.Logger

/**
 * Structured JSON logs on stdout; in dev at a terminal, the same entries as readable coloured lines
 * (pino-pretty as a synchronous stream in this process: no worker thread). Query parameters and bodies are
 * never logged.
 */
export function createLogger(config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'logFormat'>>): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'livedrop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'refreshToken', '*.refreshToken', 'authorization'], remove: true },
  }
  if (config.logFormat !== 'pretty') return pino(options)
  return pino(options, pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }))
}
