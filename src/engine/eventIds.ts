import { createHash, randomUUID } from 'node:crypto';

/**
 * Event ids derived from the command id: a command retried with the same id produces the same
 * event ids, so the store recognises the retry and appends nothing twice. UUID-shaped because
 * EventStoreDB requires UUIDs.
 */
export const eventIdFor = (commandId: string, index: number): string => {
  const hex = createHash('sha256').update(`${commandId}/${index}`).digest('hex');
  // Version 8 (custom) UUID, RFC 9562 variant.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const newCommandId = (): string => randomUUID();
