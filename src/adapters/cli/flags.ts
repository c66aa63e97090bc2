import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Command as Program } from 'commander';
import { decodeWith } from '../../domain/decode';

/**
 * A subcommand's own flags, decoded with io-ts so a bad one is `invalid_request` naming it, as
 * bad command data is. The global flags (--store, --actor) are left to `withEngine`.
 */
export const decodeFlags = <A>(codec: t.Type<A, A, unknown>, command: Program): A => {
  const { store: _store, actor: _actor, ...flags } = command.opts<Record<string, unknown>>();
  const decoded = decodeWith(codec, 'options')(flags);
  if (isLeft(decoded)) throw decoded.left;
  return decoded.right;
};

/** A flag given as text that must be a non-negative integer ("12"), kept as text for the engine to read as a bigint. */
export const DigitString = t.refinement(t.string, (s) => /^\d+$/.test(s), 'a non-negative integer');

/** "a,b,,c" → ["a", "b", "c"], for list flags given once. */
export const CommaList = new t.Type<string[], string[], unknown>(
  'CommaList',
  (u): u is string[] => Array.isArray(u) && u.every((s) => typeof s === 'string'),
  (u, c) =>
    typeof u === 'string'
      ? t.success(
          u
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        )
      : t.failure(u, c, 'expected a comma-separated list'),
  t.identity,
);
