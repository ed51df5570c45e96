// Structured logs (pino): one root logger per process, one child per component.
import { pino, type Logger } from 'pino';

export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { pid: process.pid } });
}
