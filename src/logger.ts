import pino from 'pino';

export type Logger = pino.Logger;

export const silentLogger: Logger = pino({ level: 'silent' });

export const createLogger = (level: string): Logger => pino({ level });
