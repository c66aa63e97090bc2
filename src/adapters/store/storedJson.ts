import type { JsonObject } from '../../ports/eventStore';
import { corruptEvent } from '../../ports/storeErrors';

type StoredField = 'data' | 'metadata';

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** Event data and metadata are JSON objects; anything else read back is a corrupt event, never skipped. */
export const requireJsonObject = (value: unknown, position: bigint, field: StoredField): JsonObject => {
  if (!isJsonObject(value)) throw corruptEvent(position, `${field} is not a JSON object`);
  return value;
};

/** For stores that keep JSON as text: parse, then hold it to the same rule. */
export const parseJsonObject = (text: unknown, position: bigint, field: StoredField): JsonObject => {
  if (typeof text !== 'string') throw corruptEvent(position, `${field} is not stored as text`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw corruptEvent(position, `${field} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return requireJsonObject(parsed, position, field);
};
